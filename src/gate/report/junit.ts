/**
 * JUnit XML for CI test reports: one test suite per gate run, one test case per objective and check. Blocked and
 * approval required are failures, cannot evaluate is an error, not active is skipped.
 */
import { showNumber } from '../../format.js';
import { type GateReport, statusLabel } from './model.js';

export function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

export function renderJunit(report: GateReport): string {
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  for (const o of report.objectives) {
    for (const c of o.checks) {
      const name = `${o.name} ${c.check} ${c.window.text}`;
      const classname = `agent-slo.gate.${report.profile.name}.${o.name}`;
      const text = `${c.reason}\nvalue: ${showNumber(c.value)}\nqueries:\n${c.queries.map((q) => `  @${q.time} ${q.expr}`).join('\n')}`;
      let body = '';
      if (c.status === 'blocked' || c.status === 'approval_required') {
        failures++;
        body = `<failure message="${xmlEscape(`${statusLabel(c.status)}: ${c.reason}`)}" type="${c.status}">${xmlEscape(text)}</failure>`;
      } else if (c.status === 'cannot_evaluate') {
        errors++;
        body = `<error message="${xmlEscape(`${statusLabel(c.status)}: ${c.reason}`)}" type="cannot_evaluate">${xmlEscape(text)}</error>`;
      } else if (c.status === 'not_active') {
        skipped++;
        body = `<skipped message="${xmlEscape(c.reason)}"/>`;
      } else {
        body = `<system-out>${xmlEscape(text)}</system-out>`;
      }
      cases.push(`    <testcase name="${xmlEscape(name)}" classname="${xmlEscape(classname)}" time="0">${body}</testcase>`);
    }
  }
  const suite = `agent-slo gate ${report.profile.name}`;
  const time = (report.stats.durationMs / 1000).toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="agent-slo gate" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time}">`,
    `  <testsuite name="${xmlEscape(suite)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time}" timestamp="${report.at.replace(/\.\d+Z$/, '')}">`,
    '    <properties>',
    `      <property name="verdict" value="${report.verdict}"/>`,
    `      <property name="underlyingVerdict" value="${report.underlyingVerdict}"/>`,
    `      <property name="exitCode" value="${report.exitCode}"/>`,
    `      <property name="at" value="${report.at}"/>`,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
