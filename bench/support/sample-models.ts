/**
 * Realistic sample rendition models (a Sở KH&CN procedure, a quality policy, quality objectives).
 * Used by the tests, the rendering bench and for previewing layout changes; not by the service.
 */
import { createHash } from 'node:crypto';
import {
  LAYOUT_VERSION,
  ProcedureStep,
  QualityObjective,
  RenditionModel,
  RevisionState,
} from '../../src/rendering/rendition-model.js';

const ACTIONS = [
  'Tiếp nhận hồ sơ tại Bộ phận Một cửa, kiểm tra tính đầy đủ, hợp lệ của thành phần hồ sơ; cập nhật vào Hệ thống thông tin giải quyết thủ tục hành chính tỉnh',
  'Chuyển hồ sơ cho phòng chuyên môn',
  'Thẩm định hồ sơ, đối chiếu với quy định tại Nghị định số 107/2016/NĐ-CP; trường hợp hồ sơ chưa đầy đủ thì thông báo bằng văn bản cho tổ chức, cá nhân để bổ sung, hoàn thiện',
  'Lãnh đạo phòng xem xét, trình ký',
  'Lãnh đạo Sở phê duyệt kết quả giải quyết thủ tục hành chính',
  'Vào sổ, đóng dấu, phát hành văn bản và chuyển kết quả về Bộ phận Một cửa',
  'Trả kết quả cho tổ chức, cá nhân; thống kê và theo dõi',
];
const RESPONSIBLE = ['Công chức Bộ phận Một cửa', 'Chuyên viên phòng Quản lý chuyên ngành', 'Lãnh đạo phòng', 'Lãnh đạo Sở', 'Văn thư'];

export function sampleDigest(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

export function sampleSteps(count: number): ProcedureStep[] {
  return Array.from({ length: count }, (_, i) => ({
    no: i + 1,
    action: `${ACTIONS[i % ACTIONS.length]} (bước ${i + 1})`,
    responsible: RESPONSIBLE[i % RESPONSIBLE.length],
    duration: i % 3 === 0 ? { value: 4, unit: 'hours' as const } : { value: 0.5, unit: 'working_days' as const },
    formCodes: i % 2 === 0 ? [`BM.0${(i % 4) + 1}/QT-05`] : [],
    output: i % 2 === 1 ? 'Phiếu kiểm soát quá trình giải quyết hồ sơ' : null,
  }));
}

export interface SampleOptions {
  state?: RevisionState;
  steps?: number;
  number?: number;
}

/** A procedure of the provincial Sở KH&CN (Kon Tum) with `steps` steps (default 7). */
export function sampleProcedureModel(o: SampleOptions = {}): RenditionModel {
  const state = o.state ?? 'effective';
  const number = o.number ?? 2;
  const signed = state !== 'draft' && state !== 'in_review';
  const approved = !['draft', 'in_review', 'pending_approval'].includes(state);
  return {
    agencies: [{ name: 'Ủy ban nhân dân tỉnh Kon Tum' }, { name: 'Sở Khoa học và Công nghệ', shortName: 'Sở KH&CN' }],
    document: {
      type: 'procedure',
      code: 'QT.TTHC-05',
      title: 'Quy trình cấp Giấy chứng nhận đăng ký hoạt động thử nghiệm',
      tthcCode: '1.001193',
    },
    revision: {
      number,
      state,
      issuedOn: approved ? '2014-03-05' : null,
      effectiveFrom: approved ? '2014-03-15' : null,
      changeSummary: 'Cập nhật căn cứ pháp lý theo Nghị định số 61/2018/NĐ-CP; rút ngắn thời gian thẩm định',
      digest: sampleDigest(`QT.TTHC-05/${number}`),
      stateChangedAt: '2014-03-15T08:00:00+07:00',
    },
    signOffs: [
      { meaning: 'drafted', fullName: 'Nguyễn Thị Hương', title: 'Chuyên viên', signedAt: '2014-02-20T09:15:00+07:00', valid: true },
      ...(signed
        ? [{ meaning: 'checked' as const, fullName: 'Trần Văn Đức', title: 'Thư ký ISO', signedAt: '2014-02-27T14:30:00+07:00', valid: true }]
        : []),
      ...(approved
        ? [
            {
              meaning: 'approved' as const,
              fullName: 'Phạm Quốc Việt',
              title: 'PHÓ GIÁM ĐỐC',
              capacity: 'KT. GIÁM ĐỐC',
              signedAt: '2014-03-05T10:00:00+07:00',
              valid: true,
            },
          ]
        : []),
    ],
    history: [
      { number: 1, date: '2012-06-01', section: 'Toàn bộ', changeSummary: 'Ban hành lần đầu' },
      ...(number > 1
        ? [{ number: 2, date: '2014-03-05', section: 'Mục 3; Mục 5.4, bước 3', changeSummary: 'Cập nhật căn cứ pháp lý theo Nghị định số 61/2018/NĐ-CP; rút ngắn thời gian thẩm định' }]
        : []),
    ],
    content: {
      type: 'procedure',
      purpose:
        'Quy định trình tự, thủ tục, trách nhiệm và thời gian giải quyết hồ sơ đề nghị cấp Giấy chứng nhận đăng ký hoạt động thử nghiệm, bảo đảm đúng quy định của pháp luật, công khai, minh bạch.',
      scope: 'Áp dụng đối với tổ chức, cá nhân đề nghị cấp Giấy chứng nhận và các phòng, đơn vị thuộc Sở Khoa học và Công nghệ tỉnh Kon Tum.',
      definitions: [
        { term: 'TTHC', meaning: 'Thủ tục hành chính' },
        { term: 'Bộ phận Một cửa', meaning: 'Bộ phận tiếp nhận và trả kết quả giải quyết thủ tục hành chính' },
        { term: 'HTQLCL', meaning: 'Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015' },
      ],
      legalBases: [
        { number: 'TCVN ISO 9001:2015', type: 'Tiêu chuẩn', title: 'Hệ thống quản lý chất lượng - Các yêu cầu' },
        {
          number: '107/2016/NĐ-CP',
          type: 'Nghị định',
          issuer: 'Chính phủ',
          issuedOn: '2016-07-01',
          title: 'quy định về điều kiện kinh doanh dịch vụ đánh giá sự phù hợp',
          articles: 'Điều 5, Điều 18',
          status: 'amended',
        },
        {
          number: '61/2018/NĐ-CP',
          type: 'Nghị định',
          issuer: 'Chính phủ',
          issuedOn: '2018-04-23',
          title: 'về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính',
          status: 'in_force',
        },
      ],
      statutoryTimeLimit: { value: 10, unit: 'working_days' },
      fee: 'Không',
      dossier: [
        { name: 'Đơn đề nghị cấp Giấy chứng nhận đăng ký hoạt động thử nghiệm (theo mẫu BM.01/QT-05)', copies: 1 },
        { name: 'Danh sách thử nghiệm viên của tổ chức', copies: 1 },
        { name: 'Bản sao Quyết định thành lập hoặc Giấy chứng nhận đăng ký doanh nghiệp', copies: '01 bản sao' },
      ],
      steps: sampleSteps(o.steps ?? 7),
      records: [
        { name: 'Đơn đề nghị và hồ sơ kèm theo', keeper: 'Phòng Quản lý chuyên ngành', retention: '05 năm' },
        { name: 'Giấy chứng nhận đã cấp (bản lưu)', keeper: 'Văn thư', retention: 'Vĩnh viễn' },
      ],
      forms: [
        { code: 'BM.01/QT-05', title: 'Đơn đề nghị cấp Giấy chứng nhận' },
        { code: 'BM.02/QT-05', title: 'Phiếu kiểm soát quá trình giải quyết hồ sơ' },
      ],
    },
    attachments: [],
    layoutVersion: LAYOUT_VERSION,
  };
}

export function sampleQualityPolicyModel(state: RevisionState = 'effective'): RenditionModel {
  const base = sampleProcedureModel({ state, number: 1 });
  return {
    ...base,
    document: { type: 'quality_policy', code: 'CS-01', title: 'Chính sách chất lượng của Sở Khoa học và Công nghệ' },
    revision: { ...base.revision, digest: sampleDigest('CS-01/1') },
    history: [],
    content: {
      type: 'quality_policy',
      text: 'Sở Khoa học và Công nghệ tỉnh Kon Tum cam kết xây dựng, áp dụng, duy trì và cải tiến Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015.\nLấy sự hài lòng của tổ chức, công dân làm thước đo chất lượng phục vụ: "Chuyên nghiệp - Minh bạch - Hiệu quả".',
    },
  };
}

export function sampleObjectives(count: number): QualityObjective[] {
  return Array.from({ length: count }, (_, i) => ({
    no: i + 1,
    objective: `Giải quyết đúng hạn hồ sơ thủ tục hành chính thuộc lĩnh vực ${i % 2 ? 'tiêu chuẩn đo lường chất lượng' : 'hoạt động khoa học và công nghệ'}`,
    indicator: 'Tỷ lệ hồ sơ giải quyết đúng hạn',
    target: '≥ 98%',
    method: 'Thống kê trên Hệ thống thông tin giải quyết TTHC, báo cáo hằng quý',
    responsibleUnit: 'Văn phòng Sở',
    deadline: 'Quý IV',
    actions: 'Rà soát quy trình nội bộ; nhắc việc tự động; đào tạo công chức Bộ phận Một cửa',
  }));
}

export function sampleQualityObjectivesModel(state: RevisionState = 'effective', count = 6): RenditionModel {
  const base = sampleProcedureModel({ state, number: 1 });
  return {
    ...base,
    document: { type: 'quality_objectives', code: 'MT-2025', title: 'Mục tiêu chất lượng năm 2025' },
    revision: { ...base.revision, digest: sampleDigest('MT-2025/1') },
    history: [],
    content: { type: 'quality_objectives', year: 2025, objectives: sampleObjectives(count) },
  };
}
