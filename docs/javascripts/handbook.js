// Tables on a phone (issue 21, item 7). A table that does not fit its column, and on a narrow
// screen any table of three or more columns, is shown as cards: one card a row, each cell one
// line led by its column's name. The names are copied from the header as data-label (text
// only, never markup); roles keep it a table for screen readers once CSS makes it blocks.
// A two-column table with an empty header (a plan's facts) needs no names: label | value.
(function () {
  var narrow = window.matchMedia("(max-width: 44.984375em)");

  function label(table) {
    if (table.hasAttribute("data-labelled")) return;
    table.setAttribute("data-labelled", "");
    table.setAttribute("role", "table");
    var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("thead, tbody").forEach(function (group) {
      group.setAttribute("role", "rowgroup");
    });
    table.querySelectorAll("tr").forEach(function (row) {
      row.setAttribute("role", "row");
      Array.prototype.forEach.call(row.cells, function (cell, i) {
        var header = cell.tagName === "TH";
        cell.setAttribute("role", header ? "columnheader" : "cell");
        if (!header && names[i]) cell.setAttribute("data-label", names[i]);
      });
    });
  }

  function layout() {
    document.querySelectorAll("article table:not([class])").forEach(function (table) {
      label(table);
      table.removeAttribute("data-cards");
      var box = table.closest(".md-typeset__scrollwrap") || table.parentElement;
      var columns = table.rows.length ? table.rows[0].cells.length : 0;
      if ((narrow.matches && columns > 2) || box.scrollWidth > box.clientWidth + 1) {
        table.setAttribute("data-cards", "");
      }
    });
    // A wrapper that still scrolls sideways is a focusable, named region for keyboard users.
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "Table (scrolls sideways)");
      }
    });
  }

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(layout, 100);
  });
  // A table inside a closed <details> has no width until it opens: measure it then.
  document.addEventListener("toggle", layout, true);
  document$.subscribe(layout);
})();
