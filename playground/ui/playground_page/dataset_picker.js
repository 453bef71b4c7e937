// dataset_picker.js: the datasets' thumbnails as the picker (as in TF Playground).
//
// One button per dataset, its picture inside; the current dataset's button is pressed
// (aria-pressed) and framed. Buttons take the keyboard as any button: Tab, Enter (Space
// is the page's Play: see shortcuts.js). A click reports the dataset's name as the
// trigger "pick".
//
// data: {label, current, options: [{name, label, src}]}

function build(grid, data) {
  grid.replaceChildren();
  for (const option of data.options) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "dp-option";
    button.dataset.name = option.name;
    button.title = option.label;
    button.setAttribute("aria-label", option.label);
    const img = document.createElement("img");
    img.src = option.src;
    img.alt = "";
    button.appendChild(img);
    button.addEventListener("click", () => {
      if (button.getAttribute("aria-pressed") !== "true") grid.npPick("pick", option.name);
    });
    grid.appendChild(button);
  }
  grid.dataset.names = data.options.map((o) => o.name).join(",");
}

export default function datasetPicker(component) {
  const { parentElement, data, setTriggerValue } = component;
  if (!data) return undefined;
  let grid = parentElement.querySelector(".dp-grid");
  if (!grid) {
    grid = document.createElement("div");
    grid.className = "dp-grid";
    grid.setAttribute("role", "group");
    parentElement.appendChild(grid);
  }
  grid.setAttribute("aria-label", data.label);
  grid.npPick = setTriggerValue; // the newest (Streamlit may re-create it between runs)
  if (grid.dataset.names !== data.options.map((o) => o.name).join(",")) build(grid, data);
  for (const button of grid.children) {
    const current = button.dataset.name === data.current;
    button.setAttribute("aria-pressed", String(current));
    button.classList.toggle("dp-current", current);
  }
  return undefined;
}
