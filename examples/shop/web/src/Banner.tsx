export function Banner() {
  return <p className="banner">{process.env.NEXT_PUBLIC_BANNER_TEXT ?? "Welcome"}</p>;
}
