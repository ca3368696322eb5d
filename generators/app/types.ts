export type { SettingName, Settings } from './settings.js';

/** Facts about the destination that defaults may depend on. */
export interface Context {
  /** Name of the destination folder. */
  folderName: string;
  /** `owner/name` parsed from the destination's `git remote get-url origin`, if any. */
  gitRemote: string;
}
