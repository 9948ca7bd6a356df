/**
 * `text` with the user information of every URL in it (`user:password@`) replaced by `***@`: for
 * whatever a page shows or a log says about a URL or an error that quotes one. start.cjs masks the
 * value of API_URL in its messages the same way.
 */
export function redactUserinfo(text: string): string {
  // A scheme's `//`, then the authority up to its last `@` (the URL parser splits there too).
  return text.replace(/([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#\s]*@/g, '$1***@');
}
