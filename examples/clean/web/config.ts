export const config = {
  apiUrl: process.env.NEXT_PUBLIC_API_URL!,
  timeoutMs: Number(process.env.API_TIMEOUT_MS ?? "5000"),
};
