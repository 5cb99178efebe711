/**
 * Signing people in to the console: the OIDC authorization code grant with PKCE at the issuer whose tokens the API
 * accepts ({@link dev.drover.console.signin.SignIn}), the session cookie that holds the API token
 * ({@link dev.drover.console.signin.SessionCookie}), and who is signed in, for the header and the actions shown
 * ({@link dev.drover.console.signin.SignedInUser}). See docs/adr/0007-security.md, "Console sign-in".
 */
package dev.drover.console.signin;
