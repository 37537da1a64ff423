/** Applying a template: check the connections fit its roles, then create and publish its flows. */
import type { Db } from '../db/client';
import { requireConnection, type ConnectionRow } from '../connections/store';
import { BadInput, NotFoundError } from '../errors';
import { createFlow, publishFlow } from '../flows/service';
import { type FlowTemplate, templates } from './catalog';

export function findTemplate(id: string): FlowTemplate {
  const t = templates.find((x) => x.id === id);
  if (!t) throw new NotFoundError(`Template "${id}" not found; known templates: ${templates.map((x) => x.id).join(', ')}`);
  return t;
}

export async function applyTemplate(db: Db, tenantId: string, templateId: string, connectionIds: Record<string, string>) {
  const template = findTemplate(templateId);
  const problems: Array<{ field: string; message: string }> = [];
  const chosen: Record<string, ConnectionRow> = {};
  for (const [role, need] of Object.entries(template.roles)) {
    const field = `connections.${role}`;
    const id = connectionIds[role];
    if (!id) {
      problems.push({ field, message: `${field} is required: a ${need.label} connection` });
      continue;
    }
    const row = await requireConnection(db, tenantId, id).catch(() => undefined);
    if (!row) problems.push({ field, message: `${field}: connection "${id}" does not exist` });
    else if (row.provider !== need.provider) problems.push({ field, message: `${field} must be a ${need.label} connection; "${row.name}" is ${row.provider}` });
    else {
      const missing = row.entities.length ? need.entities.filter((e) => !row.entities.includes(e)) : [];
      if (missing.length) problems.push({ field, message: `${field}: "${row.name}" does not sync ${missing.join(', ')}; add it to the connection's entities` });
      chosen[role] = row;
    }
  }
  if (problems.length) throw new BadInput(problems);

  const created = [];
  for (const flow of template.build(chosen)) {
    const row = await createFlow(db, tenantId, flow);
    const { version } = await publishFlow(db, tenantId, row.id);
    created.push({ id: row.id, name: row.name, versionId: version.id, version: version.version });
  }
  return { template: template.id, flows: created };
}
