import type { Services } from './services';

// Placeholder: this feature is being built; it registers nothing yet.
export function registerNavigation(_services: Services): void {}
