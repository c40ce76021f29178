// Read aloud with the browser's own speech synthesis: no third-party service, nothing sent.
// Loaded only on the welcome page and, once a child has asked for it, on every later page.
// Without script (or speech) the pages are the same, minus these buttons.
(function () {
  "use strict";
  if (!("speechSynthesis" in window)) { return; }
  var choice = document.querySelector(".read-aloud-choice");
  if (choice) { choice.hidden = false; }
  var main = document.querySelector("main");
  var parts = main ? main.querySelectorAll("[data-read]") : [];
  if (!parts.length) { return; }
  var synth = window.speechSynthesis;
  var controls = document.createElement("div");
  controls.className = "speak-controls";
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button secondary speak";
  button.textContent = document.body.getAttribute("data-read-label") || "Read this out loud";
  // Shown only while reading, so a child can stop the voice at once (and it stops by itself
  // when they leave the page).
  var stop = document.createElement("button");
  stop.type = "button";
  stop.className = "button secondary speak-stop";
  stop.textContent = document.body.getAttribute("data-stop-label") || "Stop reading out loud";
  stop.hidden = true;
  var reading = null;  // the last sentence of the current reading
  function stopped(event) {
    // Pressing "Read" again cancels the old reading, whose end arrives after the new one began.
    if (event && event.target !== reading) { return; }
    reading = null;
    if (!stop.hidden) {
      var hadFocus = document.activeElement === stop;
      stop.hidden = true;
      if (hadFocus) { button.focus(); }
    }
  }
  button.addEventListener("click", function () {
    synth.cancel();
    var last = null;
    Array.prototype.forEach.call(parts, function (part) {
      var said = new SpeechSynthesisUtterance(part.textContent.replace(/\s+/g, " ").trim());
      said.lang = document.documentElement.lang || "en";
      said.rate = 0.9;
      synth.speak(said);
      last = said;
    });
    if (last) {
      reading = last;
      last.addEventListener("end", stopped);
      last.addEventListener("error", stopped);
    }
    stop.hidden = false;
  });
  stop.addEventListener("click", function () {
    synth.cancel();
    stopped(null);
  });
  window.addEventListener("pagehide", function () { synth.cancel(); });
  controls.appendChild(button);
  controls.appendChild(stop);
  // Before the page's form, except on the welcome page, where Start (and the choice to have
  // the questions read) stay on the first screen of a phone and this follows them.
  var form = main.querySelector("form");
  if (form && choice && form.contains(choice)) {
    main.insertBefore(controls, form.nextSibling);
  } else {
    main.insertBefore(controls, form || null);
  }
})();
