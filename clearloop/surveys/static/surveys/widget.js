/* Clearloop survey widget: one <script src=".../w/<token>.js" async> tag on a customer's page.
 *
 * Host side: a "Give feedback" button (or, with data-clearloop-position="inline", the survey
 * in place) that opens /s/<token>/embed/ in an iframe inside a modal <dialog>. It requests
 * nothing but its own origin, and it styles its elements only through element.style (the
 * CSSOM), which a host page's strict style-src does not block, unlike <style> or style="".
 *
 * Frame side: the same file, loaded by the embedded survey page with data-clearloop-frame,
 * tells the host page (by postMessage, to the one origin the server vouched for) when the
 * survey is completed and when Escape is pressed inside the frame.
 *
 * Attributes on the host's script tag:
 *   data-clearloop-position  "bottom-right" (default) or "inline"
 *   data-clearloop-language  "en", "ja", "zh-hans"; default: the host page's <html lang>
 *   data-clearloop-fields    a signed hidden-field token, as in the public link's ?h=
 */
(function (config) {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src) return;
  if (script.hasAttribute("data-clearloop-frame")) {
    frameSide();
    return;
  }

  var source = new URL(script.src, document.baseURI);
  var match = /\/w\/([^/]+)\.js$/.exec(source.pathname);
  if (!match) return;
  var ourOrigin = source.origin;
  var language = pickLanguage(
    script.getAttribute("data-clearloop-language") || document.documentElement.lang
  );
  var labels = (config.labels || {})[language || config.defaultLanguage] || {
    open: "Give feedback",
    close: "Close",
  };
  var title = config.title || labels.open;
  var frame = null;

  if (script.getAttribute("data-clearloop-position") === "inline") {
    inline();
  } else if (document.body) {
    launcher();
  } else {
    // An async script in <head> may run before the body exists.
    document.addEventListener("DOMContentLoaded", launcher);
  }

  function pickLanguage(wanted) {
    var code = String(wanted || "").toLowerCase();
    var candidate = code.indexOf("zh") === 0 ? "zh-hans" : code.split("-")[0];
    return (config.languages || []).indexOf(candidate) >= 0 ? candidate : "";
  }

  function frameUrl() {
    var url = new URL(source.pathname.replace(match[0], "/s/" + match[1] + "/embed/"), ourOrigin);
    url.searchParams.set("origin", window.location.origin);
    if (language) url.searchParams.set("lang", language);
    var fields = script.getAttribute("data-clearloop-fields");
    if (fields) url.searchParams.set("h", fields);
    return url.href;
  }

  // Inline values win over the host's stylesheets; "important" also over its !important.
  function css(element, properties) {
    Object.keys(properties).forEach(function (name) {
      element.style.setProperty(name, properties[name], "important");
    });
    return element;
  }

  function makeFrame(height) {
    frame = document.createElement("iframe");
    frame.src = frameUrl();
    frame.title = title;
    return css(frame, {
      display: "block",
      width: "100%",
      height: height,
      border: "0",
      margin: "0",
      background: "#fff",
    });
  }

  // The frame reports its content height; show all of it, up to `limit` pixels.
  function fitFrame(contentHeight, limit) {
    var height = Math.min(Math.max(Number(contentHeight) || 0, 120), limit);
    frame.style.setProperty("height", Math.round(height) + "px", "important");
  }

  function inline() {
    var box = css(document.createElement("div"), {
      "max-width": "40rem",
      margin: "1rem 0",
      border: "1px solid #c9d1df",
      "border-radius": "12px",
      overflow: "hidden",
    });
    box.className = "clearloop-widget";
    box.appendChild(makeFrame("34rem"));
    script.parentNode.insertBefore(box, script.nextSibling);
    listen({
      height: function (contentHeight) {
        fitFrame(contentHeight, 5000);
      },
    });
  }

  function launcher() {
    var button = css(document.createElement("button"), {
      position: "fixed",
      right: "1rem",
      bottom: "1rem",
      "z-index": "2147483000",
      margin: "0",
      padding: "0.75rem 1.25rem",
      border: "0",
      "border-radius": "999px",
      background: "#2457d6",
      color: "#fff",
      font: "600 1rem/1.25 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
      cursor: "pointer",
      "box-shadow": "0 4px 14px rgba(16, 24, 40, 0.3)",
    });
    button.type = "button";
    button.className = "clearloop-widget-button";
    button.textContent = labels.open;
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("aria-expanded", "false");

    var dialog = makeDialog();
    var lastHeight = 0;
    function fit() {
      if (frame && lastHeight) fitFrame(lastHeight, window.innerHeight - 16);
    }
    button.addEventListener("click", function () {
      if (!frame) dialog.element.appendChild(makeFrame("min(24rem, calc(100vh - 1rem))"));
      fit();
      dialog.element.showModal();
      button.setAttribute("aria-expanded", "true");
    });
    dialog.element.addEventListener("close", function () {
      button.setAttribute("aria-expanded", "false");
      button.focus();
    });
    window.addEventListener("resize", fit);
    listen({
      height: function (contentHeight) {
        lastHeight = contentHeight;
        fit();
      },
      escape: dialog.close,
      completed: function () {
        window.setTimeout(dialog.close, 3000);
      },
    });
    document.body.appendChild(button);
    document.body.appendChild(dialog.element);
  }

  // A native modal <dialog>: focus stays inside it, Escape (in the host page) closes it,
  // and the rest of the page is inert while it is open. Its height follows the frame's.
  function makeDialog() {
    var element = css(document.createElement("dialog"), {
      padding: "0",
      border: "0",
      "border-radius": "12px",
      width: "min(28rem, calc(100vw - 1rem))",
      "max-width": "100vw",
      "max-height": "calc(100vh - 1rem)",
      overflow: "hidden",
      background: "#fff",
      color: "#1b2333",
      "box-shadow": "0 12px 40px rgba(16, 24, 40, 0.35)",
    });
    element.className = "clearloop-widget-dialog";
    element.setAttribute("aria-label", title);
    // Over the frame's top right corner, where the embedded page leaves room for it.
    var closeButton = css(document.createElement("button"), {
      position: "absolute",
      top: "0.25rem",
      right: "0.25rem",
      width: "2.75rem",
      height: "2.75rem",
      margin: "0",
      padding: "0",
      border: "0",
      "border-radius": "8px",
      background: "#fff",
      color: "#1b2333",
      font: "400 1.75rem/1 system-ui, sans-serif",
      cursor: "pointer",
    });
    closeButton.type = "button";
    closeButton.textContent = "\u00d7";
    closeButton.setAttribute("aria-label", labels.close);
    element.appendChild(closeButton);

    function close() {
      if (element.open) element.close();
    }
    closeButton.addEventListener("click", close);
    // A click on the backdrop lands on the dialog itself, outside its content.
    element.addEventListener("click", function (event) {
      if (event.target === element) close();
    });
    return { element: element, close: close };
  }

  // Messages from our own frame only: the origin proves who sent it, the source which one.
  function listen(handlers) {
    window.addEventListener("message", function (event) {
      if (event.origin !== ourOrigin || !frame || event.source !== frame.contentWindow) return;
      var data = event.data || {};
      if (data.type === "clearloop:height" && handlers.height) handlers.height(data.height);
      if (data.type === "clearloop:escape" && handlers.escape) handlers.escape();
      if (data.type === "clearloop:completed" && handlers.completed) handlers.completed();
    });
  }

  function frameSide() {
    var parentOrigin = document.body && document.body.getAttribute("data-clearloop-parent");
    if (!parentOrigin || window.parent === window) return;
    function tell(type, height) {
      window.parent.postMessage({ type: type, height: height }, parentOrigin);
    }
    var main = document.querySelector("main") || document.body;
    function reportHeight() {
      tell("clearloop:height", Math.ceil(main.getBoundingClientRect().height));
    }
    reportHeight();
    if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(main);
    if (document.querySelector("[data-clearloop-completed]")) tell("clearloop:completed");
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") tell("clearloop:escape");
    });
  }
})(/* config */ {});
