/**
 * The AWS Regions this project knows, by partition (AWS's Regions list, December 2026). A name
 * that is shaped like a Region but not listed is refused with the nearest listed names, so that a
 * typo (eu-central-3) is not planned against a Region that does not exist; an environment file
 * may allow a Region newer than this list (allowUnlistedRegion).
 */
import { distance } from "fastest-levenshtein";

export const KNOWN_REGIONS: ReadonlyArray<string> = [
  // aws
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  // aws-cn
  "cn-north-1",
  "cn-northwest-1",
  // aws-us-gov
  "us-gov-east-1",
  "us-gov-west-1",
];

/** Why a Region-shaped name is not listed, with the nearest listed names; undefined when listed. */
export function unlistedRegionProblem(region: string): string | undefined {
  if (KNOWN_REGIONS.includes(region)) return undefined;
  const nearest = [...KNOWN_REGIONS].sort((a, b) => distance(region, a) - distance(region, b) || a.localeCompare(b)).slice(0, 3);
  return `is not an AWS Region this project knows; did you mean ${nearest.join(", ")}? (a Region newer than the list: set allowUnlistedRegion: true in the environment file)`;
}
