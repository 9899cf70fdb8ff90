// The server's words for a refusal: its detail, plus the field errors it names beside it
// ("Invalid input: file." says which field; the field's own message says why).
export function refusal(answer) {
  const data = answer.data && typeof answer.data === "object" ? answer.data : null;
  if (!data) return answer.error;
  const fields = Object.entries(data)
    .filter(([name, value]) => name !== "detail" && Array.isArray(value) && value.length)
    .map(([name, value]) => `${name}: ${value.join(" ")}`);
  return fields.length ? `${answer.error} ${fields.join("; ")}` : answer.error;
}
