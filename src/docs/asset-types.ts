/**
 * Files pages may link to and the reader serves as they are, by extension. Nothing that a
 * browser would run as a document or script of the dashboard's origin (HTML, XML, JavaScript):
 * the dashboard's CSP allows scripts from 'self', so a served script would run. SVG can carry
 * script, so the reader serves it under a CSP that forbids any (see docs-router).
 */
export const ASSET_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  txt: 'text/plain; charset=utf-8',
};

const ALLOWED = new Set(Object.values(ASSET_TYPES));

/** Whether an asset's content type is one a build gives: what the store and the reader check, whatever a stored site says. */
export const isAllowedAssetType = (contentType: string): boolean => ALLOWED.has(contentType);
