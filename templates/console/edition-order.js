// Drag-and-drop ordering of an edition's documents (/console/editions/{id}). Progressive
// enhancement: without this script the 上移 / 下移 buttons do the same, one step at a time, and
// they stay the keyboard's way. A document moves within its own section only; on drop the new
// order is posted as a plain form (action=order), and the page comes back from the server.
(() => {
  const list = document.querySelector("ol[data-reorder]");
  const form = document.getElementById("reorder-form");
  if (!list || !form) return;
  const items = () => Array.from(list.querySelectorAll("li[data-id]"));
  const hint = document.getElementById("reorder-hint");
  if (hint) hint.hidden = false;
  let dragged = null;
  const sameSection = (li) => dragged && dragged !== li && dragged.dataset.section === li.dataset.section;
  for (const li of items()) {
    li.draggable = true;
    li.addEventListener("dragstart", (event) => {
      dragged = li;
      li.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", li.dataset.id);
    });
    li.addEventListener("dragend", () => {
      li.classList.remove("dragging");
      for (const other of items()) other.classList.remove("drop-target");
      dragged = null;
    });
    li.addEventListener("dragover", (event) => {
      if (!sameSection(li)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      li.classList.add("drop-target");
    });
    li.addEventListener("dragleave", () => li.classList.remove("drop-target"));
    li.addEventListener("drop", (event) => {
      if (!sameSection(li)) return;
      event.preventDefault();
      // Takes the place of the document it is dropped on: after it when moving down, before it
      // when moving up.
      const order = items();
      const down = order.indexOf(dragged) < order.indexOf(li);
      li.insertAdjacentElement(down ? "afterend" : "beforebegin", dragged);
      for (const old of form.querySelectorAll('input[name="document"]')) old.remove();
      for (const item of items()) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = "document";
        input.value = item.dataset.id;
        form.append(input);
      }
      form.submit();
    });
  }
})();
