/**
 * Every problem code the API answers with: its HTTP status and its title in Vietnamese and
 * English. This list is the one source: `DomainError` and the `Errors` helpers take a code from it
 * (an unknown code does not compile, and a helper takes only codes of its status), `ProblemFilter`
 * takes the status and the title from it, and the error responses of the OpenAPI document
 * (`ApiProblems`, src/common/openapi.ts) are described from it. test/problem-codes.spec.ts checks
 * that every code thrown in src/ is listed and every listed code is used or marked reserved.
 *
 * A new code: add it here (status, `vi`, `en`), throw it through `Errors`, name it in the
 * operation's `@ApiProblems(...)`.
 */
export interface ProblemCodeSpec {
  status: number;
  /** Title in Vietnamese (the default language of `title`). */
  vi: string;
  /** Title in English (`Accept-Language: en`). */
  en: string;
  /** Listed but thrown nowhere in src/ yet: why it is kept. */
  reserved?: string;
}

export const PROBLEM_CODES = {
  // ---- 400: malformed request or invalid fields
  validation_failed: { status: 400, vi: 'Dữ liệu không hợp lệ', en: 'Invalid fields' },
  bad_request: { status: 400, vi: 'Yêu cầu không hợp lệ', en: 'Bad request' },
  malformed_json: { status: 400, vi: 'Nội dung JSON sai cú pháp', en: 'Malformed JSON' },
  malformed_multipart: { status: 400, vi: 'Dữ liệu tải lên sai định dạng multipart', en: 'Malformed multipart body' },
  request_aborted: { status: 400, vi: 'Yêu cầu bị ngắt giữa chừng', en: 'Request aborted' },
  invalid_value: { status: 400, vi: 'Giá trị sai định dạng', en: 'Invalid value' },
  import_file_missing: { status: 400, vi: 'Thiếu tệp cần nhập', en: 'Import file missing' },
  import_malformed: { status: 400, vi: 'Không đọc được tệp nhập', en: 'Malformed import file' },
  json_too_deep: { status: 400, vi: 'Nội dung JSON lồng nhau quá sâu', en: 'JSON nested too deep' },
  import_empty: { status: 400, vi: 'Tệp nhập không có dòng dữ liệu', en: 'Empty import' },

  // ---- 401: no, invalid or expired credentials
  invalid_metrics_token: { status: 401, vi: 'Mã truy cập số liệu giám sát không đúng', en: 'Wrong metrics token' },
  missing_token: { status: 401, vi: 'Chưa đăng nhập', en: 'Not signed in' },
  invalid_token: { status: 401, vi: 'Phiên đăng nhập không hợp lệ hoặc đã hết hạn', en: 'Invalid or expired access token' },
  session_revoked: { status: 401, vi: 'Phiên đăng nhập đã bị thu hồi', en: 'Session revoked' },
  invalid_credentials: { status: 401, vi: 'Sai tên đăng nhập hoặc mật khẩu', en: 'Wrong username or password' },
  invalid_password: { status: 401, vi: 'Mật khẩu xác nhận không đúng', en: 'Wrong password' },
  invalid_refresh_token: { status: 401, vi: 'Mã làm mới phiên không hợp lệ', en: 'Invalid refresh token' },
  refresh_token_reused: { status: 401, vi: 'Mã làm mới phiên đã được dùng; phiên bị thu hồi', en: 'Refresh token reused; session revoked' },

  // ---- 403: related to the agency but not allowed
  forbidden: { status: 403, vi: 'Không có quyền thực hiện', en: 'Not allowed' },
  separation_of_duties: { status: 403, vi: 'Vi phạm nguyên tắc phân tách nhiệm vụ', en: 'Separation of duties' },
  not_revision_author: { status: 403, vi: 'Chỉ người soạn thảo hoặc thư ký ISO được trình', en: "Not the revision's author" },
  approver_required: { status: 403, vi: 'Cần người đứng đầu hoặc cấp phó được ủy quyền', en: 'Head of agency or delegated deputy required' },
  delegation_required: { status: 403, vi: 'Cấp phó cần ủy quyền còn hiệu lực (KT.)', en: 'Active delegation required' },
  tthc_catalogue_read_only: { status: 403, vi: 'Chỉ quản trị hệ thống và Sở KH&CN cập nhật danh mục TTHC', en: 'TTHC catalogue is read-only for you' },
  not_review_chair: { status: 403, vi: 'Chỉ người chủ trì cuộc họp được phê duyệt biên bản', en: 'Not the chair of the review' },
  not_decision_responsible: { status: 403, vi: 'Chỉ người được giao hoặc thư ký ISO được báo cáo hoàn thành', en: 'Not responsible for the decision' },
  legal_registry_read_only: { status: 403, vi: 'Chỉ quản trị hệ thống và Sở KH&CN cập nhật danh mục văn bản pháp luật', en: 'Legal registry is read-only for you' },
  not_action_responsible: { status: 403, vi: 'Chỉ người chịu trách nhiệm mới xác nhận hoàn thành hành động khắc phục', en: 'Not responsible for the action' },
  not_lead_auditor: { status: 403, vi: 'Chỉ trưởng đoàn đánh giá được thực hiện', en: 'Lead auditor only' },
  not_audit_team: { status: 403, vi: 'Chỉ chuyên gia trong đoàn đánh giá được ghi phát hiện', en: 'Not on the audit team' },

  // ---- 404: not found, or not visible to you
  not_found: { status: 404, vi: 'Không tìm thấy', en: 'Not found' },
  route_not_found: { status: 404, vi: 'Không có đường dẫn này', en: 'No such route' },
  metrics_disabled: { status: 404, vi: 'Số liệu giám sát không được bật ở cổng này', en: 'Metrics are not served here' },
  no_effective_revision: { status: 404, vi: 'Tài liệu chưa có lần ban hành đang hiệu lực', en: 'No effective revision' },
  source_file_missing: { status: 404, vi: 'Lần ban hành không có tệp gốc', en: 'No source file' },

  // ---- 408: the request did not arrive in time
  request_timeout: { status: 408, vi: 'Yêu cầu gửi đến quá chậm', en: 'Request timeout' },

  // ---- 409: conflicts with the current state
  duplicate: { status: 409, vi: 'Đã có bản ghi trùng giá trị duy nhất', en: 'Duplicate' },
  reference_conflict: { status: 409, vi: 'Bản ghi đang được tham chiếu', en: 'Reference conflict' },
  concurrent_update: { status: 409, vi: 'Xung đột với thay đổi đồng thời; hãy thử lại', en: 'Concurrent update' },
  revision_not_in_force: { status: 409, vi: 'Chỉ xác nhận đã đọc phiên bản đang có hiệu lực', en: 'Revision not in force' },
  already_acknowledged: { status: 409, vi: 'Bạn đã xác nhận đọc phiên bản này', en: 'Already acknowledged' },
  immutable_record: { status: 409, vi: 'Hồ sơ kiểm soát không được sửa đổi', en: 'Controlled record' },
  agency_code_taken: { status: 409, vi: 'Mã cơ quan đã được dùng', en: 'Agency code taken' },
  username_taken: { status: 409, vi: 'Tên đăng nhập đã được dùng', en: 'Username taken' },
  delegation_revoked: { status: 409, vi: 'Ủy quyền đã bị thu hồi', en: 'Delegation revoked' },
  document_code_taken: { status: 409, vi: 'Mã tài liệu đã được dùng trong cơ quan', en: 'Document code taken' },
  quality_policy_exists: { status: 409, vi: 'Cơ quan đã có chính sách chất lượng', en: 'Quality policy exists' },
  quality_objectives_exist: { status: 409, vi: 'Cơ quan đã có mục tiêu chất lượng của năm này', en: 'Quality objectives of the year exist' },
  document_withdrawn: { status: 409, vi: 'Tài liệu đã bị thu hồi', en: 'Document withdrawn' },
  document_identity_controlled: { status: 409, vi: 'Tên và mã TTHC đã thuộc nhận dạng kiểm soát của tài liệu', en: 'Document identity is controlled' },
  revision_open: { status: 409, vi: 'Tài liệu đang có bản dự thảo chưa hoàn tất', en: 'An open revision exists' },
  revision_not_draft: { status: 409, vi: 'Bản này không còn là dự thảo', en: 'Revision is not a draft' },
  revision_not_in_review: { status: 409, vi: 'Bản này không ở bước kiểm tra', en: 'Revision is not in review' },
  revision_not_pending_approval: { status: 409, vi: 'Bản này không ở bước chờ phê duyệt', en: 'Revision is not pending approval' },
  revision_not_approved: { status: 409, vi: 'Bản này chưa được phê duyệt', en: 'Revision is not approved' },
  revision_not_obsoletable: { status: 409, vi: 'Bản này không thể chuyển hết hiệu lực', en: 'Revision cannot be made obsolete' },
  revision_not_effective: { status: 409, vi: 'Bản này không đang có hiệu lực', en: 'Revision is not effective' },
  revision_not_due: { status: 409, vi: 'Chưa đến ngày hiệu lực của bản này', en: 'Revision is not due yet' },
  revision_exists: { status: 409, vi: 'Bản đã tồn tại', en: 'Revision already exists' },
  revision_state_conflict: { status: 409, vi: 'Trạng thái của bản không cho phép thao tác này', en: 'Revision state conflict' },
  revision_in_workflow: { status: 409, vi: 'Có bản đang kiểm tra hoặc chờ phê duyệt', en: 'A revision is in the workflow' },
  check_stale: { status: 409, vi: 'Nội dung đã đổi sau khi được kiểm tra', en: 'Check is stale' },
  nonconformity_closed: { status: 409, vi: 'Điểm không phù hợp đã đóng', en: 'Nonconformity closed' },
  nonconformity_not_awaiting_verification: { status: 409, vi: 'Điểm không phù hợp chưa chờ xác nhận hiệu lực', en: 'Nonconformity not awaiting verification' },
  action_complete: { status: 409, vi: 'Hành động khắc phục đã hoàn thành', en: 'Action already complete' },
  audit_not_planned: { status: 409, vi: 'Cuộc đánh giá không ở trạng thái kế hoạch', en: 'Audit not planned' },
  audit_not_approved: { status: 409, vi: 'Kế hoạch đánh giá chưa được phê duyệt', en: 'Audit plan not approved' },
  audit_not_in_progress: { status: 409, vi: 'Cuộc đánh giá không đang diễn ra', en: 'Audit not in progress' },
  source_file_exists: { status: 409, vi: 'Bản này đã có tệp gốc', en: 'Source file exists' },
  legal_number_taken: { status: 409, vi: 'Số ký hiệu văn bản đã có trong danh mục', en: 'Legal document number taken' },
  legal_document_ended: { status: 409, vi: 'Văn bản pháp luật đã hết hiệu lực', en: 'Legal document no longer in force' },
  legal_relation_exists: { status: 409, vi: 'Quan hệ giữa hai văn bản đã được ghi nhận', en: 'Legal relation exists' },
  legal_change_exists: { status: 409, vi: 'Thay đổi này đã được ghi nhận', en: 'Legal change exists' },
  legal_change_nothing_to_retry: { status: 409, vi: 'Không có mục lỗi để chạy lại', en: 'Nothing to retry' },
  evaluation_exists: { status: 409, vi: 'Kỳ này đã được đánh giá; hãy lập bản đánh giá điều chỉnh', en: 'The period is already evaluated' },
  evaluation_already_corrected: { status: 409, vi: 'Bản đánh giá này đã được điều chỉnh', en: 'Evaluation already corrected' },
  management_review_not_draft: { status: 409, vi: 'Biên bản họp xem xét đã được phê duyệt', en: 'Management review is not a draft' },
  management_review_draft_open: { status: 409, vi: 'Cơ quan đang có một cuộc họp xem xét chưa phê duyệt', en: 'A management review draft is open' },
  management_review_not_approved: { status: 409, vi: 'Biên bản họp xem xét chưa được phê duyệt', en: 'Management review not approved' },
  decision_completed: { status: 409, vi: 'Kết luận này đã được báo cáo hoàn thành', en: 'Decision already completed' },
  decision_number_taken: { status: 409, vi: 'Số quyết định đã được dùng trong cơ quan', en: 'Decision number taken' },
  initial_announcement_exists: { status: 409, vi: 'Cơ quan đã công bố lần đầu; hãy công bố lại', en: 'Initial announcement exists' },
  report_exists: { status: 409, vi: 'Cơ quan đã có báo cáo cho kỳ này', en: 'Report exists for this period' },
  report_not_editable: { status: 409, vi: 'Báo cáo đã gửi, không thể sửa', en: 'Report not editable' },
  report_not_submitted: { status: 409, vi: 'Báo cáo chưa được gửi', en: 'Report not submitted' },
  inspection_closed: { status: 409, vi: 'Cuộc kiểm tra đã kết thúc', en: 'Inspection closed' },

  // ---- 412, 413, 415, 416, 428, 429
  precondition_failed: { status: 412, vi: 'Dữ liệu đã thay đổi từ lần đọc trước (ETag)', en: 'Stale If-Match' },
  payload_too_large: { status: 413, vi: 'Dữ liệu gửi lên quá lớn', en: 'Content too large' },
  unsupported_media_type: { status: 415, vi: 'Loại tệp hoặc nội dung không được hỗ trợ', en: 'Unsupported media type' },
  unsupported_encoding: { status: 415, vi: 'Bảng mã không được hỗ trợ; hãy gửi UTF-8', en: 'Unsupported encoding' },
  range_not_satisfiable: { status: 416, vi: 'Khoảng byte nằm ngoài tệp', en: 'Range not satisfiable' },
  precondition_required: { status: 428, vi: 'Cần tiêu đề If-Match với ETag hiện tại', en: 'If-Match required' },
  too_many_requests: { status: 429, vi: 'Quá nhiều lần thử; hãy thử lại sau', en: 'Too many requests' },

  // ---- 422: a business rule is violated
  revision_incomplete: { status: 422, vi: 'Nội dung chưa đủ để trình', en: 'Revision incomplete' },
  form_procedure_invalid: { status: 422, vi: 'Biểu mẫu phải thuộc một quy trình của cùng cơ quan', en: 'Invalid procedure for the form' },
  agency_level_invalid: { status: 422, vi: 'Cấp cơ quan không phù hợp với cơ quan cấp trên', en: 'Invalid agency level' },
  agency_cycle: { status: 422, vi: 'Cơ quan không thể trực thuộc chính nó', en: 'Agency cycle' },
  delegation_invalid: { status: 422, vi: 'Ủy quyền không hợp lệ', en: 'Invalid delegation' },
  user_inactive: { status: 422, vi: 'Tài khoản đã bị khóa', en: 'User inactive' },
  cannot_deactivate_self: { status: 422, vi: 'Không thể tự khóa tài khoản của mình', en: 'Cannot deactivate yourself' },
  legal_relation_invalid: { status: 422, vi: 'Quan hệ giữa hai văn bản không hợp lệ', en: 'Invalid legal relation' },
  legal_relation_cycle: { status: 422, vi: 'Quan hệ văn bản tạo thành vòng', en: 'Legal relation cycle' },
  legal_status_from_relations: { status: 422, vi: 'Tình trạng hiệu lực do các quan hệ văn bản quyết định', en: 'Status follows the relations' },
  tthc_import_invalid: { status: 422, vi: 'Tệp danh mục TTHC có dòng không hợp lệ', en: 'Invalid TTHC import rows' },
  tthc_unknown: { status: 422, vi: 'Mã TTHC không có trong danh mục', en: 'TTHC code not in the catalogue' },
  distribution_invalid: { status: 422, vi: 'Danh sách phân phối không hợp lệ', en: 'Invalid distribution' },
  legal_import_invalid: { status: 422, vi: 'Tệp nhập có dòng không hợp lệ', en: 'Invalid import rows' },
  history_too_long: { status: 422, vi: 'Lịch sử quá dài để xuất một lần', en: 'History too long' },
  revisions_not_comparable: { status: 422, vi: 'Hai bản không thể so sánh', en: 'Revisions not comparable' },
  root_cause_required: { status: 422, vi: 'Cần xác định nguyên nhân gốc trước khi lập hành động khắc phục', en: 'Root cause required' },
  responsible_not_member: { status: 422, vi: 'Người chịu trách nhiệm không thuộc cơ quan', en: 'Responsible person not a member' },
  due_date_past: { status: 422, vi: 'Thời hạn đã qua', en: 'Due date in the past' },
  document_not_in_agency: { status: 422, vi: 'Tài liệu không thuộc cơ quan', en: 'Document not of the agency' },
  action_document_not_revised: { status: 422, vi: 'Tài liệu cần sửa đổi chưa có lần ban hành mới có hiệu lực', en: 'Document not yet revised' },
  auditor_not_qualified: { status: 422, vi: 'Người được phân công không có vai trò chuyên gia đánh giá', en: 'Not an auditor' },
  auditor_impartiality: { status: 422, vi: 'Chuyên gia không được đánh giá tài liệu do chính mình soạn thảo, kiểm tra hoặc phê duyệt', en: 'Auditor impartiality' },
  audit_report_empty: { status: 422, vi: 'Báo cáo cần ít nhất một phát hiện hoặc kết luận không có phát hiện', en: 'Empty audit report' },
  objectives_not_in_force: { status: 422, vi: 'Tài liệu không phải mục tiêu chất lượng đang có hiệu lực', en: 'No quality objectives in force' },
  objective_unknown: { status: 422, vi: 'Số thứ tự mục tiêu không có trong lần ban hành hiệu lực', en: 'Unknown objective number' },
  evaluation_incomplete: { status: 422, vi: 'Chưa đánh giá đủ các mục tiêu', en: 'Evaluation incomplete' },
  evaluation_period_invalid: { status: 422, vi: 'Kỳ đánh giá không thuộc năm của mục tiêu', en: 'Period outside the objectives year' },
  evaluation_correction_invalid: { status: 422, vi: 'Bản được điều chỉnh phải là bản đánh giá cùng kỳ của tài liệu', en: 'Invalid correction' },
  chair_not_approver: { status: 422, vi: 'Người chủ trì phải là người đứng đầu hoặc cấp phó của cơ quan', en: 'Chair must be the head or a deputy' },
  member_required: { status: 422, vi: 'Người được chọn không phải thành viên của cơ quan', en: 'Not a member of the agency' },
  announcement_scope_invalid: { status: 422, vi: 'Phạm vi công bố phải là các quy trình đang hiệu lực của cơ quan', en: 'Invalid announcement scope' },
  announcement_kind_invalid: { status: 422, vi: 'Chưa công bố lần đầu thì không thể công bố lại', en: 'Re-announcement without an initial one' },

  report_period_not_started: { status: 422, vi: 'Kỳ báo cáo chưa bắt đầu', en: 'Reporting period not started' },
  inspector_invalid: { status: 422, vi: 'Người kiểm tra phải là cán bộ theo dõi của Sở KH&CN', en: 'Invalid inspector' },

  // ---- 5xx
  internal_error: { status: 500, vi: 'Lỗi hệ thống (đã ghi nhận)', en: 'Internal error' },
  dependency_unavailable: { status: 503, vi: 'Dịch vụ phụ trợ tạm thời không sẵn sàng; chưa có gì thay đổi', en: 'Dependency unavailable' },
  rendition_failed: { status: 503, vi: 'Chưa tạo được bản có kiểm soát; sẽ thử lại', en: 'Rendition failed' },
  record_paper_failed: { status: 503, vi: 'Chưa tạo được bản PDF của hồ sơ; sẽ thử lại', en: 'Record PDF failed' },
} as const satisfies Record<string, ProblemCodeSpec>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** The codes listed with HTTP status S (the `Errors` helpers take only these). */
export type CodeWithStatus<S extends number> = { [C in ProblemCode]: (typeof PROBLEM_CODES)[C]['status'] extends S ? C : never }[ProblemCode];

export const PROBLEM_CODE_NAMES = Object.keys(PROBLEM_CODES) as ProblemCode[];

export function problemSpec(code: ProblemCode): ProblemCodeSpec {
  return PROBLEM_CODES[code];
}

/** The stable `type` URI of a code's problems. */
export function problemType(code: ProblemCode): string {
  return `urn:e-iso:problem:${code}`;
}

export type ProblemLanguage = 'vi' | 'en';

export function problemTitle(code: ProblemCode, language: ProblemLanguage = 'vi'): string {
  return PROBLEM_CODES[code][language];
}
