// "Add a step" on a formset page: copy the empty row from its <template>, numbered next, and count it in the
// management form. Without scripts the page still shows one empty row to fill in.
for (const button of document.querySelectorAll("[data-add-step]")) {
  button.addEventListener("click", () => {
    const rows = document.getElementById("steps");
    const prefix = rows.dataset.formsetPrefix;
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    const index = Number(total.value);
    const row = document.getElementById("empty-step").content.cloneNode(true);
    for (const element of row.querySelectorAll("[id], [name], [for], [aria-describedby]")) {
      for (const attribute of ["id", "name", "for", "aria-describedby"]) {
        const value = element.getAttribute(attribute);
        if (value) element.setAttribute(attribute, value.replaceAll("__prefix__", String(index)));
      }
    }
    rows.appendChild(row);
    total.value = String(index + 1);
    rows.lastElementChild.querySelector("select, input")?.focus();
  });
}
