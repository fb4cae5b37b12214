// A glossary link (glossary/linking.py) shows its term's one-sentence definition in a
// popover while hovered or focused. Screen readers already hear the sentence: the link's
// aria-describedby names it. The popover opens below the link's line, never over it,
// full width on a phone; Esc closes it; the pointer may move onto it (WCAG 1.4.13).
// Without this script the link leads to the term's page.
(() => {
  const GAP = 6; // px between the line and the popover
  const MARGIN = 8; // px kept from the viewport's sides
  let popover = null;
  let current = null;
  let hideTimer = 0;

  const make = () => {
    popover = document.createElement("div");
    popover.id = "glossary-popover";
    popover.className = "glossary-popover";
    popover.setAttribute("role", "tooltip");
    popover.hidden = true;
    popover.addEventListener("mouseenter", () => clearTimeout(hideTimer));
    popover.addEventListener("mouseleave", () => hideSoon());
    // Inside the page's main landmark, with the text it explains.
    (document.querySelector("main") || document.body).append(popover);
  };

  const definitionOf = (link) => {
    const id = link.getAttribute("aria-describedby");
    const node = id && document.getElementById(id);
    return node ? node.textContent : "";
  };

  const place = (link) => {
    const rects = link.getClientRects();
    const line = rects[rects.length - 1] || link.getBoundingClientRect();
    const width = document.documentElement.clientWidth;
    popover.style.maxWidth = `${Math.min(24 * 16, width - 2 * MARGIN)}px`;
    const left = Math.max(MARGIN, Math.min(line.left, width - popover.offsetWidth - MARGIN));
    // Coordinates from the box the popover is positioned in.
    const origin = (popover.offsetParent || document.body).getBoundingClientRect();
    popover.style.left = `${left - origin.left}px`;
    popover.style.top = `${line.bottom - origin.top + GAP}px`;
  };

  const show = (link) => {
    clearTimeout(hideTimer);
    const text = definitionOf(link);
    if (!text) return;
    if (!popover) make();
    current = link;
    popover.textContent = text;
    popover.hidden = false;
    place(link);
  };

  const hide = () => {
    clearTimeout(hideTimer);
    if (popover) popover.hidden = true;
    current = null;
  };

  const hideSoon = () => {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 300);
  };

  const linkOf = (event) =>
    event.target instanceof Element ? event.target.closest("a.glossary-link") : null;

  document.addEventListener("mouseover", (event) => {
    const link = linkOf(event);
    if (link && link !== current) show(link);
  });
  document.addEventListener("mouseout", (event) => {
    const link = linkOf(event);
    if (link && !link.contains(event.relatedTarget)) hideSoon();
  });
  document.addEventListener("focusin", (event) => {
    const link = linkOf(event);
    if (link) show(link);
  });
  document.addEventListener("focusout", (event) => {
    if (linkOf(event)) hide();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && current) hide();
  });
  addEventListener("resize", () => current && place(current));
})();
