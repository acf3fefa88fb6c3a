/** Procedure content that passes the completeness rules and cites `legalId` (Điều 5): the benches' sample. */
export function citingProcedure(legalId: string, purpose = 'Quy định trình tự tiếp nhận và giải quyết hồ sơ.'): Record<string, unknown> {
  return {
    purpose,
    scope: 'Áp dụng tại cơ quan.',
    definitions: [],
    legalBases: [{ legalDocumentId: legalId, articles: 'Điều 5' }],
    dossier: [{ name: 'Đơn đề nghị' }],
    steps: [
      { no: 1, action: 'Tiếp nhận hồ sơ', responsible: 'Bộ phận một cửa', duration: { value: 1, unit: 'working_days' } },
      { no: 2, action: 'Thẩm định hồ sơ', responsible: 'Phòng chuyên môn', duration: { value: 3, unit: 'working_days' } },
    ],
    records: [{ name: 'Hồ sơ đề nghị', keeper: 'Văn phòng', retention: '05 năm' }],
  };
}
