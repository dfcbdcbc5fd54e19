/**
 * Seeing the annotations: highlights (decorations.ts), hovers (hover.ts), orphans as diagnostics
 * with quick fixes (diagnostics.ts) and the status-bar item (statusBar.ts).
 */
import { MentionDecorations } from './decorations';
import { OrphanDiagnostics } from './diagnostics';
import { registerMentionHover } from './hover';
import type { Services } from './services';
import { AnnotationStatus } from './statusBar';

export function registerAnnotationView(services: Services): void {
  services.context.subscriptions.push(new MentionDecorations(services), registerMentionHover(services), new OrphanDiagnostics(services), new AnnotationStatus(services));
}
