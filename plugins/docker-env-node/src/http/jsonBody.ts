/**
 * Parses a response body read as text: the JSON value, or undefined when the body is empty
 * or not JSON (callers decide whether a non-JSON body is an error).
 */
export function parseJsonBody(text: string): any {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
