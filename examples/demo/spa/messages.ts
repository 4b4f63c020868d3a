import type { ErrorCode } from '@crossauth/protocol';

/** What each error code means for the person using the app. */
export const MESSAGES: Record<ErrorCode, string> = {
  origin_not_allowed: 'The API does not trust this page’s origin. Add it with --origin when starting the API.',
  csrf_missing: 'The request had no CSRF token. Reload the page and try again.',
  csrf_invalid: 'The CSRF token no longer matches your session. Reload the page and try again.',
  unauthenticated: 'You are not signed in, or your session has ended. Please log in.',
  invalid_credentials: 'That email and password do not match an account.',
  forbidden: 'This credential is not allowed to do that.',
  rate_limited: 'Too many attempts. Wait a little and try again.',
  bad_request: 'Something in the form is not valid.',
  unsupported_media_type: 'The app sent a body the API does not accept.',
  payload_too_large: 'That is too long.',
  email_taken: 'An account with this email already exists. Log in instead.',
  weak_password: 'Passwords need 8 to 1024 characters. A few words make a good one.',
  not_found: 'That does not exist (any more).',
  method_not_allowed: 'The app asked the API for something it does not do.',
  store_unavailable: 'The API cannot reach its database right now. Try again in a moment.',
};
