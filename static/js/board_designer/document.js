// The document: the board, its sources and connectors with their pins, and how new ones are made.

import { aliasPart, newUid, slugify } from "./util.js";

export const DESIGNER_SOURCE_ID = "designer";

const DEFAULT_FUNCTION = {
  stepper: "motor_coil", heater: "heater_pwm", bed_heater: "heater_pwm", thermistor: "thermistor_adc",
  fan: "fan_pwm", endstop: "endstop", probe: "probe_in", servo: "servo_pwm", rgb: "neopixel",
  filament_sensor: "filament_sensor", power_detect: "power_detect", ps_on: "ps_on",
};
export const HEADER_NOTES = {
  silkscreen: "Pin numbers as printed on the board (silkscreen), as drawn in the KlipperIWC board designer.",
  klipper: "Klipper's RepRapDiscount numbering (EXP1_1 = beeper, EXP1_2 = encoder click, EXP1_9 = GND, EXP1_10 = 5V).",
};

function designerSource() {
  // The schema wants an https URL; on a plain-http hub the link still names this page's host.
  const origin = location.protocol === "https:" ? location.origin : `https://${location.host}`;
  return {
    id: DESIGNER_SOURCE_ID,
    title: "Drawn in the KlipperIWC board designer",
    url: `${origin}/board-designer`,
    kind: "other",
    extra: { notes: "Connector positions drawn by hand on the board image; pins entered by hand." },
  };
}

export function newDoc() {
  return {
    board: {
      id: "new-board-v1",
      idLocked: false,
      name: "New board",
      manufacturer: "Unknown",
      revision: "V1",
      family: "stm32",
      chip: "stm32f103",
      klipper_build_notes: "",
      secondary_mcu: "",
      convention: "silkscreen",
      header_notes: HEADER_NOTES.silkscreen,
      notes: [],
    },
    sources: [designerSource()],
    image: null, // an imported definition's image entry, used while no background is chosen
    drivers: [],
    shared_signals: [],
    connectors: [],
  };
}

export function newConnector(d, geometry) {
  let number = d.connectors.length + 1;
  const labels = new Set(d.connectors.map((c) => c.label));
  while (labels.has(`Connector ${number}`)) number += 1;
  const connector = {
    uid: newUid("c"),
    id: "",
    idLocked: false,
    label: `Connector ${number}`,
    kind: "other",
    geometry,
    notes: "",
    extra: {},
    pins: [],
  };
  connector.id = deriveConnectorId(d, connector);
  return connector;
}

export function newPin(connector) {
  const numbers = connector.pins.map((pin) => Number(pin.number)).filter((n) => Number.isInteger(n) && n > 0);
  return {
    pid: newUid("p"),
    number: String(numbers.length ? Math.max(...numbers) + 1 : connector.pins.length + 1),
    function: DEFAULT_FUNCTION[connector.kind] || "gpio",
    value: "",
    extra: {},
  };
}

export function deriveConnectorId(d, connector) {
  const base = aliasPart(connector.label) || "CONNECTOR";
  const taken = new Set(d.connectors.filter((c) => c.uid !== connector.uid).map((c) => c.id.toUpperCase()));
  let candidate = base;
  for (let n = 2; taken.has(candidate.toUpperCase()); n++) candidate = `${base.slice(0, 36)}_${n}`;
  return candidate;
}

export function deriveBoardId(board) {
  return slugify(`${board.name} ${board.revision}`) || "board";
}

export function findConnector(d, uid) {
  return d.connectors.find((c) => c.uid === uid) || null;
}

export function findPin(d, pid) {
  for (const connector of d.connectors) {
    const pin = connector.pins.find((p) => p.pid === pid);
    if (pin) return { connector, pin };
  }
  return null;
}
