export const apiUrl = process.env.NEXT_PUBLIC_API_URL!;
export const sentryDsn = process.env.NEXT_PUBLIC_SENTRY_DSN;

const sessionSecret = process.env.SESSION_SECRET;
if (!sessionSecret) {
  throw new Error("SESSION_SECRET must be set");
}
export { sessionSecret };
