export const config = {
  apiUrl: process.env.NEXT_PUBLIC_API_URL!,
  featureFlags: (process.env.FEATURE_FLAGS ?? "").split(","),
  analyticsId: process.env.NEXT_PUBLIC_ANALYTICS_ID,
};

const { LOG_LEVEL = "info", NODE_ENV } = process.env;
export { LOG_LEVEL, NODE_ENV };
