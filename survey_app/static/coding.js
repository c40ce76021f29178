// The coding page's keys without a modifier: a theme's number (two digits typed quickly for 10
// and up), n, s and u press the matching button. Without this file the buttons' access keys
// and plain clicks do the same.
(function () {
  "use strict";
  var form = document.getElementById("coding-form");
  if (!form) { return; }
  var typed = "";
  var timer = null;
  function press(key) {
    var button = form.querySelector('button[data-key="' + key + '"]');
    if (button) { button.click(); }
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) { return; }
    if (/^[0-9]$/.test(event.key)) {
      event.preventDefault();
      typed += event.key;
      clearTimeout(timer);
      var count = form.querySelectorAll("button.theme-toggle[data-key]").length;
      if (typed.length >= String(count).length || Number(typed + "0") > count) {
        press(typed);
        typed = "";
      } else {
        timer = setTimeout(function () { press(typed); typed = ""; }, 600);
      }
    } else if (event.key === "n" || event.key === "s" || event.key === "u") {
      event.preventDefault();
      press(event.key);
    }
  });
}());
