import manifest from '../../package.json';

export const BERTH_VERSION: string = manifest.version;
