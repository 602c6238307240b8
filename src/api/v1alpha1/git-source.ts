import { z } from 'zod';

export const secretKeyRef = z
  .object({
    name: z
      .string()
      .min(1)
      .max(253)
      .describe("Secret in the namespace of the object using it (a scaffolding Job can only reference its own namespace's Secrets)."),
    usernameKey: z.string().max(253).default('username').optional().describe('Key holding the user name (default username).'),
    passwordKey: z.string().max(253).default('password').optional().describe('Key holding the password or token (default password).'),
  })
  .describe('Credentials by Secret reference; they never appear in status, events or logs.');

/**
 * A git repository's URL, checked at admission, so a file://, ssh, git:// or ext:: (a
 * command) URL is refused before the operator sees it; plain http needs the operator's
 * --allow-http-git too.
 */
export const gitRepositoryUrl = () =>
  z
    .string()
    .min(1)
    .max(2048)
    .regex(/^[Hh][Tt][Tt][Pp][Ss]?:\/\/[^\s\/@]+/)
    .describe('Repository URL: https:// (http:// only where the operator allows it, --allow-http-git).');

/** A directory of a git repository at a ref: template skeletons and docs sources. */
export const gitDirectory = (description: string) =>
  z
    .object({
      url: gitRepositoryUrl(),
      ref: z.string().max(255).default('main').optional().describe('Branch, tag or commit.'),
      path: z.string().max(1024).optional().describe('Directory inside the repository.'),
      secretRef: secretKeyRef.optional(),
    })
    .describe(description);
