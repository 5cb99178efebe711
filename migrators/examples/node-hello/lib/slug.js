// Drover's ids (migrations, candidates, steps, runs, apps) are slugs: they become paths, keys and branch names.
export const SLUG = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;
export const SLUG_MAX = 100;

export function isSlug(value) {
  return typeof value === 'string' && value.length <= SLUG_MAX && SLUG.test(value);
}
