// The interactive diagram's behaviour: hover details, zoom and pan, search.
// Plain JavaScript, no library and no request: the page works offline.
// Every text from the data goes in through textContent, never as HTML.
(function () {
  "use strict";
  var svg = document.getElementById("diagram");
  var tip = document.getElementById("tip");
  var search = document.getElementById("search");
  var found = document.getElementById("found");
  var details = JSON.parse(document.getElementById("details").textContent);
  var home = svg.getAttribute("data-viewbox").split(" ").map(Number);
  var view = home.slice();

  function setView(v) {
    view = v;
    svg.setAttribute("viewBox", v.map(function (x) { return x.toFixed(1); }).join(" "));
  }

  // ---------------------------------------------------------------- hover
  function showTip(info, event) {
    tip.textContent = "";
    var title = document.createElement("b");
    title.textContent = info.title;
    tip.appendChild(title);
    var table = document.createElement("table");
    info.rows.forEach(function (row) {
      var tr = document.createElement("tr");
      row.forEach(function (cell) {
        var td = document.createElement("td");
        td.textContent = cell;
        tr.appendChild(td);
      });
      table.appendChild(tr);
    });
    tip.appendChild(table);
    tip.style.display = "block";
    moveTip(event);
  }
  function moveTip(event) {
    var x = event.clientX + 14, y = event.clientY + 14;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth) x = Math.max(0, event.clientX - w - 14);
    if (y + h > window.innerHeight) y = Math.max(0, event.clientY - h - 14);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function infoOf(target) {
    var node = target.closest(".node");
    if (node) return details.nodes[node.getAttribute("data-id")];
    if (target.classList.contains("edge")) return details.edges[+target.getAttribute("data-i")];
    return null;
  }
  svg.addEventListener("mouseover", function (event) {
    var info = infoOf(event.target);
    if (info) showTip(info, event);
  });
  svg.addEventListener("mousemove", function (event) {
    if (tip.style.display === "block") moveTip(event);
  });
  svg.addEventListener("mouseout", function (event) {
    if (infoOf(event.target)) tip.style.display = "none";
  });

  // ---------------------------------------------------------------- zoom and pan
  function toDiagram(clientX, clientY) {
    var box = svg.getBoundingClientRect();
    // preserveAspectRatio "xMidYMid meet": one scale, the rest centred.
    var scale = Math.min(box.width / view[2], box.height / view[3]);
    var dx = (box.width - view[2] * scale) / 2, dy = (box.height - view[3] * scale) / 2;
    return [view[0] + (clientX - box.left - dx) / scale, view[1] + (clientY - box.top - dy) / scale];
  }
  function zoom(factor, clientX, clientY) {
    var p = toDiagram(clientX, clientY);
    setView([p[0] - (p[0] - view[0]) * factor, p[1] - (p[1] - view[1]) * factor,
             view[2] * factor, view[3] * factor]);
  }
  function zoomCentre(factor) {
    var box = svg.getBoundingClientRect();
    zoom(factor, box.left + box.width / 2, box.top + box.height / 2);
  }
  svg.addEventListener("wheel", function (event) {
    event.preventDefault();
    zoom(event.deltaY > 0 ? 1.15 : 1 / 1.15, event.clientX, event.clientY);
  }, { passive: false });
  var drag = null;
  svg.addEventListener("pointerdown", function (event) {
    drag = toDiagram(event.clientX, event.clientY);
    svg.classList.add("dragging");
  });
  window.addEventListener("pointermove", function (event) {
    if (!drag) return;
    var p = toDiagram(event.clientX, event.clientY);
    setView([view[0] + drag[0] - p[0], view[1] + drag[1] - p[1], view[2], view[3]]);
  });
  window.addEventListener("pointerup", function () {
    drag = null;
    svg.classList.remove("dragging");
  });
  document.getElementById("zoom-in").addEventListener("click", function () { zoomCentre(1 / 1.4); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoomCentre(1.4); });
  document.getElementById("reset").addEventListener("click", function () { setView(home.slice()); });

  // ---------------------------------------------------------------- search
  var nodes = Array.prototype.slice.call(svg.querySelectorAll(".node"));
  function find(text) {
    var q = text.trim().toLowerCase();
    nodes.forEach(function (n) { n.classList.remove("match"); });
    if (!q) {
      svg.classList.remove("searching");
      found.textContent = "";
      return [];
    }
    var hits = nodes.filter(function (n) {
      var id = n.getAttribute("data-id");
      var name = details.nodes[id].title;
      return id.toLowerCase().indexOf(q) >= 0 || name.toLowerCase().indexOf(q) >= 0;
    });
    hits.forEach(function (n) { n.classList.add("match"); });
    svg.classList.add("searching");
    found.textContent = hits.length === 1 ? "1 node found" : hits.length + " nodes found";
    return hits;
  }
  function centreOn(node) {
    var b = node.getBBox();
    var w = Math.min(view[2], home[2]), h = Math.min(view[3], home[3]);
    setView([b.x + b.width / 2 - w / 2, b.y + b.height / 2 - h / 2, w, h]);
  }
  search.addEventListener("input", function () { find(search.value); });
  search.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    var hits = find(search.value);
    if (hits.length) centreOn(hits[0]);
  });
  window.chokegraphFind = find; // for tests and the browser console
})();
