export const env = {
  apiUrl: process.env.ADMIN_API_URL!,
  ssoClientId: process.env.SSO_CLIENT_ID!,
  auditBucket: process.env.AUDIT_LOG_BUCKET ?? "audit-local",
  legacyMenu: process.env.LEGACY_MENU === "1",
};
