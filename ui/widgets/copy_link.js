// One listener for every copy button of the page, installed once per browser tab: it reads
// the address at click time (the page's widgets may have rewritten it since the button was
// drawn), adds a classroom button's parameters, and copies. navigator.clipboard needs a
// secure context (https or localhost); elsewhere (a classroom server on http://10.x.x.x) a
// hidden textarea and execCommand("copy") do it; if both fail, the link is shown selected.
(() => {
  if (window.__xentCopyLink) return;
  window.__xentCopyLink = true;
  const linkFor = (button) => {
    const url = new URL(window.location.href);
    if (button.dataset.classroom === "1") {
      const hide = button.dataset.hide || "";
      if (hide) url.searchParams.set("hide", hide); else url.searchParams.delete("hide");
      if (button.dataset.projector === "1") url.searchParams.set("projector", "1");
      else url.searchParams.delete("projector");
      return url.toString().replace(/%2C/gi, ",");
    }
    return window.location.href;
  };
  const copyText = async (text) => {
    if (navigator.clipboard && window.isSecureContext) {
      try { await navigator.clipboard.writeText(text); return true; } catch (err) {}
    }
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.cssText = "position:fixed;top:0;left:0;opacity:0;";
    document.body.appendChild(area);
    area.select();
    let done = false;
    try { done = document.execCommand("copy"); } catch (err) { done = false; }
    area.remove();
    return done;
  };
  // The box, not the button: a rerun can redraw the button between press and release (a
  // multiselect losing focus does), and the click then lands on the box or its container.
  const boxOf = (target) => {
    if (!(target instanceof Element) || target.closest(".xent-copy-field, .xent-copy-status")) {
      return null;
    }
    const box = target.closest(".xent-copy");
    if (box) return box;
    return target.matches('[data-testid="stHtml"]') ? target.querySelector(".xent-copy") : null;
  };
  document.addEventListener("click", async (event) => {
    const box = boxOf(event.target);
    const button = box && box.querySelector("button[data-xent-copy]");
    if (!button) return;
    const status = box.querySelector(".xent-copy-status");
    const field = box.querySelector(".xent-copy-field");
    const link = linkFor(button);
    button.dataset.copied = link;
    if (await copyText(link)) {
      field.hidden = true;
      status.textContent = button.dataset.done;
      clearTimeout(box.__xentTimer);
      box.__xentTimer = setTimeout(() => { status.textContent = ""; }, 4000);
    } else {
      status.textContent = "Copy it with Ctrl+C (⌘C on a Mac):";
      field.value = link;
      field.hidden = false;
      field.focus();
      field.select();
    }
  }, true);  // capture: elements around a button (an expander) may stop the click bubbling
})();
