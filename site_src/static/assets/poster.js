// The A4 poster's print button (an inline onclick would need the policy to allow inline script).
document.querySelector("button.print").addEventListener("click", () => window.print());
