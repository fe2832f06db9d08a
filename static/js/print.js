// Printable pages: a button marked data-print opens the browser's print dialog (no inline scripts under the CSP).
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
