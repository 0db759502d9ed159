/**
 * AWS naming rules that environment validation checks before anything is synthesized: regions and
 * their Availability Zone letters, EC2/RDS instance sizes, and resource tags. Each is data that is
 * easy to extend when AWS adds a region or a size; nothing here calls AWS (the offline plan must not).
 */

/**
 * AZ letters per region (the `<region><letter>` names that exist; which physical zone a letter maps
 * to differs per account, the names do not). Add a region here to use it in an environment.
 */
export const REGION_AZ_LETTERS: Readonly<Record<string, string>> = {
  "us-east-1": "abcdef", "us-east-2": "abc", "us-west-1": "abc", "us-west-2": "abcd",
  "ca-central-1": "abd", "ca-west-1": "abc", "mx-central-1": "abc", "sa-east-1": "abc",
  "eu-west-1": "abc", "eu-west-2": "abc", "eu-west-3": "abc", "eu-central-1": "abc", "eu-central-2": "abc",
  "eu-north-1": "abc", "eu-south-1": "abc", "eu-south-2": "abc",
  "ap-south-1": "abc", "ap-south-2": "abc", "ap-east-1": "abc", "ap-northeast-1": "acd", "ap-northeast-2": "abcd",
  "ap-northeast-3": "abc", "ap-southeast-1": "abc", "ap-southeast-2": "abc", "ap-southeast-3": "abc",
  "ap-southeast-4": "abc", "ap-southeast-5": "abc", "ap-southeast-7": "abc",
  "me-south-1": "abc", "me-central-1": "abc", "il-central-1": "abc", "af-south-1": "abc",
  "us-gov-west-1": "abc", "us-gov-east-1": "abc",
};

/** The AZ names of `region` (empty when the region is unknown). */
export function availabilityZonesOf(region: string): string[] {
  return [...(REGION_AZ_LETTERS[region] ?? "")].map((letter) => `${region}${letter}`);
}

/**
 * Instance sizes EC2 and RDS use: nano … 24xlarge, metal and metal-<N>xl. A family is letters, a
 * generation digit and optional attribute letters ("t4g", "m7i-flex", "r6gd", "u-6tb1").
 */
const SIZE = "(?:nano|micro|small|medium|large|xlarge|(?:[2-9]|[1-9]\\d{1,2})xlarge|metal|metal-\\d{1,3}xl)";
const FAMILY = "[a-z]+(?:-[a-z0-9]+)?\\d[a-z0-9]*(?:-flex)?";
const INSTANCE_TYPE = new RegExp(`^${FAMILY}\\.${SIZE}$`);
const DB_INSTANCE_CLASS = new RegExp(`^db\\.${FAMILY}\\.${SIZE}$`);

export const INSTANCE_SIZES_TEXT = "nano, micro, small, medium, large, xlarge, <N>xlarge, metal";

export const isInstanceType = (value: string): boolean => INSTANCE_TYPE.test(value);
export const isDbInstanceClass = (value: string): boolean => DB_INSTANCE_CLASS.test(value);

/** AWS allows 50 tags per resource. */
export const MAX_TAGS_PER_RESOURCE = 50;
/** Tags the stack puts on every resource (provider default_tags). */
export const STACK_TAGS = ["Project", "Environment", "ManagedBy"] as const;
/** The most tags a construct of this project adds to a resource itself (Name, DataVolume). */
export const MAX_CONSTRUCT_TAGS = 2;
/** How many tags an environment may add: 50 - 3 - 2. */
export const MAX_ENVIRONMENT_TAGS = MAX_TAGS_PER_RESOURCE - STACK_TAGS.length - MAX_CONSTRUCT_TAGS;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;

/** Characters AWS allows in tag keys and values: letters, digits, spaces and _ . : / = + - @ */
const TAG_CHARACTERS = /^[\p{L}\p{N}\p{Zs}_.:/=+\-@]*$/u;
export const TAG_CHARACTERS_TEXT = "letters, digits, spaces and _ . : / = + - @";

/**
 * Why a tag key or value breaks AWS's rules, or undefined when it is fine. Lengths count Unicode
 * characters, as AWS does.
 */
export function tagKeyProblem(key: string): string | undefined {
  const length = [...key].length;
  if (length < 1 || length > MAX_TAG_KEY_LENGTH) return `a key of 1 to ${MAX_TAG_KEY_LENGTH} characters`;
  if (!TAG_CHARACTERS.test(key)) return `a key of ${TAG_CHARACTERS_TEXT}`;
  if (/^aws:/i.test(key)) return 'a key not starting with "aws:" (reserved for AWS)';
  return undefined;
}

export function tagValueProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return `a string of at most ${MAX_TAG_VALUE_LENGTH} characters`;
  if ([...value].length > MAX_TAG_VALUE_LENGTH) return `a string of at most ${MAX_TAG_VALUE_LENGTH} characters`;
  if (!TAG_CHARACTERS.test(value)) return `a string of ${TAG_CHARACTERS_TEXT}`;
  return undefined;
}
