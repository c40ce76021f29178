// Read aloud with the browser's own speech synthesis: no third-party service, nothing sent.
// Loaded only on the welcome page and, once a child has asked for it, on every later page.
(function () {
  "use strict";
  if (!("speechSynthesis" in window)) { return; }
  var choice = document.querySelector(".read-aloud-choice");
  if (choice) { choice.hidden = false; }
  var main = document.querySelector("main");
  var parts = main ? main.querySelectorAll("[data-read]") : [];
  if (!parts.length) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button secondary speak";
  button.textContent = document.body.getAttribute("data-read-label") || "Read this out loud";
  button.addEventListener("click", function () {
    var synth = window.speechSynthesis;
    synth.cancel();
    Array.prototype.forEach.call(parts, function (part) {
      var said = new SpeechSynthesisUtterance(part.textContent.replace(/\s+/g, " ").trim());
      said.lang = document.documentElement.lang || "en";
      said.rate = 0.9;
      synth.speak(said);
    });
  });
  main.insertBefore(button, main.querySelector("form") || null);
})();
