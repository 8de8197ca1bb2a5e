/**
 * The frameworks a question may refer to, by item identifier only: the EU AI Act's articles, the
 * NIST AI RMF's subcategories and ISO/IEC 42001's Annex A controls. Each item carries a short label
 * in our own words so that a coverage view can be read; the frameworks' own text is not held here.
 * A question set may declare further frameworks of its own (an imported library's), with the same shape.
 */

export interface FrameworkItem {
  id: string;
  label: string;
}

export interface Framework {
  key: string;
  title: string;
  items: FrameworkItem[];
}

const items = (pairs: [string, string][]): FrameworkItem[] => pairs.map(([id, label]) => ({ id, label }));

/** NIST AI RMF subcategories: `FUNCTION n.m`, with how many each category holds. */
function nist(fn: string, counts: number[], labels: string[]): FrameworkItem[] {
  const out: FrameworkItem[] = [];
  counts.forEach((n, c) => {
    for (let m = 1; m <= n; m++) out.push({ id: `${fn} ${c + 1}.${m}`, label: labels[c]! });
  });
  return out;
}

export const BUILT_IN_FRAMEWORKS: readonly Framework[] = [
  {
    key: "eu_ai_act",
    title: "EU AI Act (Regulation (EU) 2024/1689)",
    items: items([
      ["Art. 4", "Staff literacy in AI"],
      ["Art. 5", "Practices that are banned"],
      ["Art. 9", "Risk management across the life cycle"],
      ["Art. 10", "Training, validation and test data"],
      ["Art. 11", "Technical documentation"],
      ["Art. 12", "Automatic logging of events"],
      ["Art. 13", "Information for those who deploy the system"],
      ["Art. 14", "People overseeing the system"],
      ["Art. 15", "Accuracy, robustness and security"],
      ["Art. 17", "The provider's quality management"],
      ["Art. 25", "Who carries which duty along the supply chain"],
      ["Art. 26", "Duties of the organisation using the system"],
      ["Art. 27", "Assessing the effect on fundamental rights"],
      ["Art. 43", "Conformity assessment"],
      ["Art. 49", "Registration"],
      ["Art. 50", "Telling people they deal with AI"],
      ["Art. 53", "Duties of general-purpose model providers"],
      ["Art. 72", "Monitoring after the system is placed on the market"],
      ["Art. 73", "Reporting serious incidents"],
    ]),
  },
  {
    key: "nist_ai_rmf",
    title: "NIST AI Risk Management Framework 1.0",
    items: [
      ...nist(
        "GOVERN",
        [7, 3, 2, 3, 2, 2],
        [
          "Policies and processes for AI risk",
          "Accountability and roles",
          "Diversity and inclusion in decisions",
          "A culture that weighs risk",
          "Engagement with affected parties",
          "Risks from third parties and supply chains",
        ],
      ),
      ...nist(
        "MAP",
        [6, 3, 5, 2, 2],
        [
          "Context and intended purpose",
          "Categorising the system",
          "Capabilities, costs and benefits",
          "Risks of components, including third-party ones",
          "Impacts on people and organisations",
        ],
      ),
      ...nist(
        "MEASURE",
        [3, 13, 3, 3],
        [
          "Methods and metrics",
          "Evaluating trustworthiness",
          "Tracking risks over time",
          "Feedback on how well measurement works",
        ],
      ),
      ...nist(
        "MANAGE",
        [4, 4, 2, 3],
        [
          "Prioritising and responding to risks",
          "Maximising benefit, limiting harm",
          "Managing third-party risks",
          "Treating risks after deployment, incidents and changes",
        ],
      ),
    ],
  },
  {
    key: "iso_42001",
    title: "ISO/IEC 42001:2023, Annex A",
    items: items([
      ["A.2.2", "An AI policy"],
      ["A.2.3", "Fit with the organisation's other policies"],
      ["A.2.4", "Reviewing the AI policy"],
      ["A.3.2", "Roles and responsibilities for AI"],
      ["A.3.3", "Raising concerns"],
      ["A.4.2", "Recording the resources a system needs"],
      ["A.4.3", "Data as a resource"],
      ["A.4.4", "Tools as a resource"],
      ["A.4.5", "Computing as a resource"],
      ["A.4.6", "People and skills as a resource"],
      ["A.5.2", "A process for impact assessment"],
      ["A.5.3", "Recording impact assessments"],
      ["A.5.4", "Impact on individuals and groups"],
      ["A.5.5", "Impact on society"],
      ["A.6.1.2", "Aims for responsible development"],
      ["A.6.1.3", "Processes for responsible design"],
      ["A.6.2.2", "Requirements and specification"],
      ["A.6.2.3", "Recording design and development"],
      ["A.6.2.4", "Verification and validation"],
      ["A.6.2.5", "Deployment"],
      ["A.6.2.6", "Operation and monitoring"],
      ["A.6.2.7", "Technical documentation"],
      ["A.6.2.8", "Event logs"],
      ["A.7.2", "Data for development"],
      ["A.7.3", "Acquiring data"],
      ["A.7.4", "Data quality"],
      ["A.7.5", "Where data comes from"],
      ["A.7.6", "Preparing data"],
      ["A.8.2", "Documentation for users"],
      ["A.8.3", "Reporting to outside parties"],
      ["A.8.4", "Telling people about incidents"],
      ["A.8.5", "Information for interested parties"],
      ["A.9.2", "Processes for responsible use"],
      ["A.9.3", "Aims for responsible use"],
      ["A.9.4", "Use as intended"],
      ["A.10.2", "Sharing responsibilities"],
      ["A.10.3", "Suppliers"],
      ["A.10.4", "Customers"],
    ]),
  },
];

/** Every framework a set may refer to: the built-in ones, then those the set declares itself. */
export function frameworksOf(declared: readonly Framework[] = []): Framework[] {
  return [...BUILT_IN_FRAMEWORKS, ...declared.filter((f) => !BUILT_IN_FRAMEWORKS.some((b) => b.key === f.key))];
}

/** The question keys referring to each item, and the items no question refers to, for one framework. */
export interface FrameworkCoverage {
  key: string;
  title: string;
  /** Items in the framework's order, each with the questions that touch it (in set order). */
  items: (FrameworkItem & { questions: { key: string; text: string; role: string }[] })[];
  touched: number;
  /** Items no question touches: total − touched. */
  untouched: number;
  total: number;
}

interface SetLike {
  frameworks?: Framework[];
  sections: { role: string; questions: { key: string; text: string; refs?: Record<string, string[]> }[] }[];
}

/**
 * Per framework, which items the questions an evaluation sends touch and which none do. Only the
 * frameworks some question of the set refers to are listed, built-in ones first.
 */
export function frameworkCoverage(set: SetLike, roles: readonly string[]): FrameworkCoverage[] {
  const sent = set.sections.filter((s) => roles.includes(s.role));
  const all = set.sections.flatMap((s) => s.questions);
  return frameworksOf(set.frameworks)
    .filter((f) => all.some((q) => q.refs?.[f.key]?.length))
    .map((f) => {
      const rows = f.items.map((item) => ({
        ...item,
        questions: sent.flatMap((s) =>
          s.questions
            .filter((q) => q.refs?.[f.key]?.includes(item.id))
            .map((q) => ({ key: q.key, text: q.text, role: s.role })),
        ),
      }));
      return {
        key: f.key,
        title: f.title,
        items: rows,
        touched: rows.filter((r) => r.questions.length).length,
        untouched: rows.filter((r) => !r.questions.length).length,
        total: rows.length,
      };
    });
}
