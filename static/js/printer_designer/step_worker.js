// Reads a STEP file into triangles with OpenCascade (occt-import-js, vendored, WebAssembly), in a
// worker: the 7 MB module and the triangulation stay off the page's thread. Gets {buffer}; answers
// {positions, indices} (one mesh, millimetres) or {error}.
/* global importScripts, occtimportjs */

const VENDOR = new URL("../../vendor/occt-import-js-0.0.23/", self.location.href).href;
importScripts(`${VENDOR}occt-import-js.js`);
const ready = occtimportjs({ locateFile: (name) => `${VENDOR}${name}` });

self.onmessage = async (event) => {
  try {
    const occt = await ready;
    const result = occt.ReadStepFile(new Uint8Array(event.data.buffer), { linearUnit: "millimeter" });
    if (!result.success || !result.meshes.length) {
      self.postMessage({ error: "no shapes could be read from it" });
      return;
    }
    // The meshes as one: positions one after another, indices shifted by the vertices before them.
    const total = result.meshes.reduce((sum, mesh) => sum + mesh.attributes.position.array.length, 0);
    const count = result.meshes.reduce((sum, mesh) => sum + mesh.index.array.length, 0);
    const positions = new Float32Array(total);
    const indices = new Uint32Array(count);
    let offset = 0;
    let at = 0;
    for (const mesh of result.meshes) {
      positions.set(mesh.attributes.position.array, offset);
      const base = offset / 3;
      for (const index of mesh.index.array) indices[at++] = index + base;
      offset += mesh.attributes.position.array.length;
    }
    self.postMessage({ positions, indices }, [positions.buffer, indices.buffer]);
  } catch (error) {
    self.postMessage({ error: String((error && error.message) || error) });
  }
};
