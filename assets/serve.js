// fazhi serve: uploads on the start page, one request per file with its own progress bar.
// Everything else in the workbench works without script.
"use strict";
(function () {
  const input = document.getElementById("files");
  if (!input) return;
  const drop = document.getElementById("drop");
  const list = document.getElementById("uploads");
  const next = document.getElementById("next");
  const held = document.getElementById("held");
  let queue = Promise.resolve();

  function row(file) {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    const status = document.createElement("span");
    status.className = "status";
    status.textContent = "等待上传";
    li.append(name, bar, status);
    list.append(li);
    return { li, bar, status };
  }

  function upload(file, view) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/reports?name=" + encodeURIComponent(file.name));
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) view.bar.value = Math.round((e.loaded / e.total) * 90);
        view.status.textContent = "上传中";
      };
      xhr.upload.onload = () => { view.status.textContent = "评分中"; };
      xhr.onload = () => {
        view.bar.value = 100;
        let body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status === 200 && body) {
          view.li.classList.add("done");
          view.status.className = "status ok";
          view.status.innerHTML = "";
          const link = document.createElement("a");
          link.href = body.url;
          link.textContent = "总分 " + body.total + " · " + body.grade;
          view.status.append("已评分：", link);
          if (held) held.textContent = String(Number(held.textContent) + 1);
          if (next) next.hidden = false;
        } else {
          view.li.classList.add("failed");
          view.status.className = "status err";
          const errors = body && body.errors ? body.errors : [];
          view.status.textContent = "无法评分（" + xhr.status + "）：" +
            (errors.length ? errors.map((e) => e.rendered || e.message).join("\n") : xhr.statusText);
        }
        resolve();
      };
      xhr.onerror = () => {
        view.status.className = "status err";
        view.status.textContent = "连接失败：工作台是否仍在运行？";
        resolve();
      };
      xhr.send(file);
    });
  }

  function add(files) {
    for (const file of files) {
      const view = row(file);
      // One file at a time: the server scores in parallel anyway, and the order stays readable.
      queue = queue.then(() => upload(file, view));
    }
  }

  input.addEventListener("change", () => { add(input.files); input.value = ""; });
  ["dragenter", "dragover"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add("over"); }));
  ["dragleave", "drop"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.remove("over"); }));
  drop.addEventListener("drop", (e) => add(e.dataTransfer.files));

  const clear = document.getElementById("clear");
  if (clear) {
    clear.addEventListener("click", () => {
      if (!confirm("清空全部已上传的报告和更正?")) return;
      fetch("/api/reports", { method: "DELETE" }).then(() => location.reload());
    });
  }
})();
