// The printer's 3D model in the designer: an STL or STEP file from the user's disk, shown with
// three.js (vendored under static/vendor/three-*, loaded only once a model is chosen: 2 MB the page
// does not need otherwise; STEP files are triangulated by OpenCascade in step_worker.js), and
// markers placed by clicking the model: where each component sits. The markers
// (with the file's name and sha256) go into the definition's "model"; the file stays on the user's
// disk, so a definition opened later shows its markers in the list and on the model once the same
// file is loaded again.

import { h } from "../lib/dom.js";

// Beside this module, so the page works under any STATIC_URL.
const VENDOR = new URL("../../vendor/three-0.187.0/", import.meta.url).href;
export const COMPONENTS = [
  ["hotend", "Hotend"],
  ["extruder", "Extruder motor"],
  ["heated_bed", "Heated bed"],
  ["stepper_x", "X motor"],
  ["stepper_y", "Y motor"],
  ["stepper_z", "Z motor"],
  ["stepper_a", "Tower A motor"],
  ["stepper_b", "Tower B motor"],
  ["stepper_c", "Tower C motor"],
  ["endstop_x", "X endstop"],
  ["endstop_y", "Y endstop"],
  ["endstop_z", "Z endstop"],
  ["fan_part", "Part cooling fan"],
  ["fan_hotend", "Hotend fan"],
  ["fan_controller", "Controller fan"],
  ["probe", "Probe"],
  ["board_main", "Main board"],
  ["board_toolhead", "Toolhead board"],
];
const NAMES = Object.fromEntries(COMPONENTS);
const MAX_BYTES = 64 * 1024 * 1024;

const model = { file: "", format: "stl", sha256: "", markers: [], view: null, loaded: false, onChange: () => {} };
const isStep = (name) => /\.(step|stp)$/i.test(name);

// A STEP file's triangles from the worker (a new one per file: its memory goes with it).
function readStep(buffer) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./step_worker.js", import.meta.url));
    worker.onmessage = (event) => {
      worker.terminate();
      if (event.data.error) reject(new Error(event.data.error));
      else resolve(event.data);
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message || "the STEP reader failed"));
    };
    worker.postMessage({ buffer }, [buffer]);
  });
}

async function geometryOf(file, buffer) {
  if (isStep(file.name)) {
    const { BufferGeometry, BufferAttribute } = await import(`${VENDOR}three.module.js`);
    const { positions, indices } = await readStep(buffer);
    const geometry = new BufferGeometry();
    geometry.setAttribute("position", new BufferAttribute(positions, 3));
    geometry.setIndex(new BufferAttribute(indices, 1));
    return geometry;
  }
  const { STLLoader } = await import(`${VENDOR}STLLoader.js`);
  return new STLLoader().parse(buffer);
}

async function sha256(buffer) {
  // crypto.subtle is only there in a secure context (https or localhost); without it the hash is left out.
  if (!window.crypto || !window.crypto.subtle) return "";
  const digest = await window.crypto.subtle.digest("SHA-256", buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The definition's "model" entry, or null when there is neither a model nor a marker. */
export function modelDefinition() {
  if (!model.file) return null;
  const entry = { file: model.file, format: model.format, units: "mm", markers: model.markers.map((m) => ({ ...m, position: [...m.position] })) };
  if (model.sha256) entry.sha256 = model.sha256;
  return entry;
}

function round(value) {
  return Math.round(value * 100) / 100;
}

function renderList(root) {
  const list = root.querySelector("#pd-markers");
  list.replaceChildren(
    ...model.markers.map((marker, index) =>
      h(
        "li",
        { dataset: { marker: marker.component } },
        h("span", { text: `${NAMES[marker.component] || marker.component} at ${marker.position.map(round).join(", ")}` }),
        " ",
        h("button", {
          type: "button",
          class: "link",
          text: "Remove",
          "aria-label": `Remove the ${NAMES[marker.component] || marker.component} marker`,
          onclick: () => {
            model.markers.splice(index, 1);
            refresh(root);
          },
        })
      )
    )
  );
  const status = root.querySelector("#pd-model-status");
  if (!model.file) status.textContent = "No model: markers need one.";
  else if (!model.loaded) status.textContent = `Load ${model.file} to see its ${model.markers.length} marker(s) on the model.`;
  else status.textContent = `${model.file}: click the model to place the chosen component (${model.markers.length} placed).`;
}

function refresh(root) {
  renderList(root);
  if (model.view) model.view.drawMarkers();
  model.onChange();
}

async function createView(root, geometry) {
  const THREE = await import(`${VENDOR}three.module.js`);
  const { OrbitControls } = await import(`${VENDOR}OrbitControls.js`);
  const box = root.querySelector("#pd-model-view");
  box.replaceChildren();
  const width = box.clientWidth || 480;
  const height = Math.round(width * 0.75);
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  renderer.setSize(width, height);
  renderer.domElement.dataset.testid = "pd-model-canvas";
  box.append(renderer.domElement);
  const scene = new THREE.Scene();
  const dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  scene.background = new THREE.Color(dark ? 0x1d2127 : 0xf2f4f7);
  const sky = new THREE.HemisphereLight(0xffffff, 0x666666, 1.6);
  sky.position.set(0, 0, 1); // the sky above the printer's Z, not three.js's default Y
  scene.add(sky, new THREE.AmbientLight(0xffffff, 0.6));
  const light = new THREE.DirectionalLight(0xffffff, 1.6);
  light.position.set(0.6, -1, 0.9); // from the viewer's side
  geometry.computeBoundingBox();
  geometry.computeVertexNormals();
  const mesh = new THREE.Mesh(geometry, new THREE.MeshStandardMaterial({ color: 0x8a9bb0, metalness: 0.1, roughness: 0.7 }));
  scene.add(mesh);
  const bounds = geometry.boundingBox;
  const center = bounds.getCenter(new THREE.Vector3());
  const size = bounds.getSize(new THREE.Vector3()).length() || 1;
  const camera = new THREE.PerspectiveCamera(45, width / height, size / 100, size * 10);
  camera.position.copy(center).add(new THREE.Vector3(0.6, -0.9, 0.7).multiplyScalar(size));
  camera.up.set(0, 0, 1); // printers stand on Z
  const controls = new OrbitControls(camera, renderer.domElement);
  controls.target.copy(center);
  controls.update();
  const markers = new THREE.Group();
  scene.add(markers);
  const draw = () => renderer.render(scene, camera);
  controls.addEventListener("change", draw);
  const raycaster = new THREE.Raycaster();
  let down = null;
  renderer.domElement.addEventListener("pointerdown", (event) => {
    down = [event.clientX, event.clientY];
  });
  renderer.domElement.addEventListener("pointerup", (event) => {
    // A click places a marker; a drag turns the view.
    if (!down || Math.hypot(event.clientX - down[0], event.clientY - down[1]) > 4) return;
    const rect = renderer.domElement.getBoundingClientRect();
    const pointer = new THREE.Vector2(((event.clientX - rect.left) / rect.width) * 2 - 1, -((event.clientY - rect.top) / rect.height) * 2 + 1);
    raycaster.setFromCamera(pointer, camera);
    const hit = raycaster.intersectObject(mesh)[0];
    if (!hit) return;
    const component = root.querySelector("#pd-marker-component").value;
    model.markers = model.markers.filter((m) => m.component !== component);
    model.markers.push({ component, label: NAMES[component], position: [round(hit.point.x), round(hit.point.y), round(hit.point.z)] });
    refresh(root);
  });
  return {
    drawMarkers() {
      markers.clear();
      for (const marker of model.markers) {
        const dot = new THREE.Mesh(new THREE.SphereGeometry(size / 80, 16, 12), new THREE.MeshBasicMaterial({ color: 0xe8590c }));
        dot.position.set(...marker.position);
        markers.add(dot);
      }
      draw();
    },
  };
}

async function loadFile(root, file) {
  const status = root.querySelector("#pd-model-status");
  if (file.size > MAX_BYTES) {
    status.textContent = `${file.name} is larger than ${MAX_BYTES / 1024 / 1024} MB.`;
    return;
  }
  status.textContent = `Reading ${file.name}…`;
  const buffer = await file.arrayBuffer();
  const hash = await sha256(buffer); // before the STEP reader takes the buffer
  let geometry;
  try {
    geometry = await geometryOf(file, buffer);
  } catch (error) {
    status.textContent = `${file.name} is not ${isStep(file.name) ? "a STEP" : "an STL"} file this page can read (${error.message || error}).`;
    return;
  }
  if (!geometry.attributes.position || geometry.attributes.position.count === 0) {
    status.textContent = `${file.name} holds no triangles.`;
    return;
  }
  if (model.file && (model.file !== file.name || (model.sha256 && hash && model.sha256 !== hash))) model.markers = []; // another model
  model.file = file.name.replace(/[/\\]/g, "_").slice(0, 200);
  model.sha256 = hash;
  model.format = isStep(file.name) ? "step" : "stl";
  model.view = await createView(root, geometry);
  model.loaded = true;
  refresh(root);
}

/** The markers of a definition that was opened (its model file is not loaded yet). */
export function modelOpen(root, entry) {
  model.file = entry ? entry.file : "";
  model.sha256 = entry && entry.sha256 ? entry.sha256 : "";
  model.format = entry && entry.format ? entry.format : "stl";
  model.markers = entry ? entry.markers.map((m) => ({ ...m })) : [];
  model.loaded = false;
  model.view = null;
  root.querySelector("#pd-model-view").replaceChildren();
  renderList(root);
}

export function modelStart(root, onChange) {
  model.onChange = onChange;
  const select = root.querySelector("#pd-marker-component");
  select.replaceChildren(...COMPONENTS.map(([value, label]) => h("option", { value, text: label })));
  root.querySelector("#pd-model-file").addEventListener("change", (event) => {
    const file = event.target.files && event.target.files[0];
    if (file) loadFile(root, file);
  });
  modelOpen(root, null);
  return Object.freeze({ state: () => ({ file: model.file, loaded: model.loaded, markers: model.markers.length }) });
}
