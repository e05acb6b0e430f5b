// Wide tables scroll sideways inside a wrapper that Material adds at runtime. Keyboard users
// must be able to reach and scroll it, so a scrolling wrapper becomes a focusable, named region.
document$.subscribe(function () {
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
    if (wrap.scrollWidth > wrap.clientWidth) {
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", "Table (scrolls sideways)");
    }
  });
});
