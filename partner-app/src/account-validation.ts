import type { CreateAccountErrors } from './views/link-page.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// C0/C1 controls and line/paragraph separators have no place in a name.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const MIN_PASSWORD = 10;

/** What is wrong with a new account's fields, by field (empty: nothing). */
export function validateNewAccount(input: { name: string; email: string; password: string }): CreateAccountErrors {
  const errors: CreateAccountErrors = {};
  const name = input.name.trim();
  if (!name) errors.name = 'Enter your full name.';
  else if (name.length > 100) errors.name = 'Use at most 100 characters.';
  else if (CONTROL.test(name)) errors.name = 'Use letters, spaces and punctuation only.';
  const email = input.email.trim();
  if (!email) errors.email = 'Enter your email address.';
  else if (email.length > 254 || !EMAIL.test(email)) errors.email = 'Enter an email address like name@example.com.';
  if (input.password.length < MIN_PASSWORD) errors.password = `Use at least ${MIN_PASSWORD} characters.`;
  else if (input.password.length > 256) errors.password = 'Use at most 256 characters.';
  return errors;
}
