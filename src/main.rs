fn main() -> std::process::ExitCode {
    fazhi::cli::main()
}
