/** The API group all Greenroom kinds live in. */
export const GROUP = 'greenroom.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
