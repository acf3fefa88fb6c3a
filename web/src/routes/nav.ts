import type { Me } from '../api/types';
import { AUDIT_READERS, DRAFTING_ROLES, hasRole, isAdmin, mayWriteLegal } from '../lib/access';
import { m } from '../i18n';

export interface NavEntry {
  to: string;
  label: string;
  group: string;
  /** Shown only to users this returns true for. */
  visible: (user: Me) => boolean;
  /** A count shown beside the label (tasks, unread notifications). */
  badge?: 'tasks' | 'notifications';
}

const everyone = () => true;

/** The navigation, by area. A new screen adds its entry here (see docs/WEB.md). */
export const NAV: NavEntry[] = [
  { to: '/cong-viec', label: m.nav.tasks, group: m.nav.groupWork, visible: everyone, badge: 'tasks' },
  { to: '/thong-bao', label: m.nav.notifications, group: m.nav.groupWork, visible: everyone, badge: 'notifications' },
  { to: '/tai-lieu', label: m.nav.documents, group: m.nav.groupDocuments, visible: everyone },
  { to: '/so-dang-ky', label: m.nav.register, group: m.nav.groupDocuments, visible: (u) => hasRole(u, [...DRAFTING_ROLES, 'head', 'deputy', 'auditor', 'supervisor']) },
  { to: '/van-ban-phap-luat', label: m.nav.legal, group: m.nav.groupDocuments, visible: everyone },
  { to: '/danh-muc-tthc', label: m.nav.catalogue, group: m.nav.groupDocuments, visible: everyone },
  { to: '/tthc-ap-dung', label: m.nav.coverage, group: m.nav.groupDocuments, visible: (u) => isAdmin(u) || hasRole(u, [...DRAFTING_ROLES, 'head', 'deputy', 'supervisor']) },
  { to: '/ho-so-chat-luong', label: m.quality.nav, group: m.nav.groupDocuments, visible: (u) => u.memberships.length > 0 },
  { to: '/danh-gia-noi-bo', label: m.nav.internalAudits, group: m.nav.groupAudit, visible: (u) => hasRole(u, AUDIT_READERS) },
  { to: '/khong-phu-hop', label: m.nav.nonconformities, group: m.nav.groupAudit, visible: (u) => hasRole(u, [...AUDIT_READERS, 'staff']) },
  { to: '/giam-sat', label: m.supervision.navDashboard, group: m.nav.groupAudit, visible: (u) => hasRole(u, ['supervisor']) },
  { to: '/bao-cao', label: m.supervision.navReports, group: m.nav.groupAudit, visible: (u) => hasRole(u, ['head', 'deputy', 'iso_secretary', 'drafter', 'auditor']) },
  { to: '/nhat-ky', label: m.nav.audit, group: m.nav.groupAudit, visible: (u) => isAdmin(u) || hasRole(u, AUDIT_READERS) },
  { to: '/uy-quyen', label: m.nav.delegations, group: m.nav.groupAdmin, visible: (u) => isAdmin(u) || hasRole(u, ['head', 'deputy']) },
  { to: '/quan-tri/co-quan', label: m.nav.agencies, group: m.nav.groupAdmin, visible: (u) => isAdmin(u) || mayWriteLegal(u) },
  { to: '/quan-tri/nguoi-dung', label: m.nav.users, group: m.nav.groupAdmin, visible: isAdmin },
  { to: '/quan-tri/hang-doi', label: m.nav.queues, group: m.nav.groupAdmin, visible: isAdmin },
];
