/** "read uploads profile-pictures/" -> "ReadUploadsProfilePictures" (IAM statement ids allow [A-Za-z0-9]). */
export function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}
