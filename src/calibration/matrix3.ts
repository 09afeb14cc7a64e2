/**
 * 3-vectors and row-major 3x3 matrices: the whole linear algebra colour conversion needs.
 * Plain readonly tuples so values can be written literally in tests and docs.
 */
export type Vec3 = readonly [number, number, number];
export type Matrix3 = readonly [Vec3, Vec3, Vec3];

export const IDENTITY3: Matrix3 = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

/** Matrix times column vector: the form every RGB→XYZ conversion takes. */
export function mulMatVec(m: Matrix3, v: Vec3): Vec3 {
  return [
    m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
    m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
    m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
  ];
}

/** a · b, so that (a · b) v applies b first. */
export function mulMat(a: Matrix3, b: Matrix3): Matrix3 {
  const row = (r: Vec3): Vec3 => [
    r[0] * b[0][0] + r[1] * b[1][0] + r[2] * b[2][0],
    r[0] * b[0][1] + r[1] * b[1][1] + r[2] * b[2][1],
    r[0] * b[0][2] + r[1] * b[1][2] + r[2] * b[2][2],
  ];
  return [row(a[0]), row(a[1]), row(a[2])];
}

export function determinant(m: Matrix3): number {
  return (
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
  );
}

export class SingularMatrixError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SingularMatrixError';
  }
}

/**
 * Inverse by the adjugate. Throws when the determinant is tiny relative to the entries, which for
 * primaries means three collinear chromaticities: no gamut, nothing to invert.
 */
export function invert(m: Matrix3): Matrix3 {
  const det = determinant(m);
  const scale = Math.max(...m.flat().map(Math.abs));
  if (!Number.isFinite(det) || Math.abs(det) <= 1e-12 * scale * scale * scale) {
    throw new SingularMatrixError(`matrix is singular (determinant ${det}); cannot invert`);
  }
  const k = 1 / det;
  return [
    [
      (m[1][1] * m[2][2] - m[1][2] * m[2][1]) * k,
      (m[0][2] * m[2][1] - m[0][1] * m[2][2]) * k,
      (m[0][1] * m[1][2] - m[0][2] * m[1][1]) * k,
    ],
    [
      (m[1][2] * m[2][0] - m[1][0] * m[2][2]) * k,
      (m[0][0] * m[2][2] - m[0][2] * m[2][0]) * k,
      (m[0][2] * m[1][0] - m[0][0] * m[1][2]) * k,
    ],
    [
      (m[1][0] * m[2][1] - m[1][1] * m[2][0]) * k,
      (m[0][1] * m[2][0] - m[0][0] * m[2][1]) * k,
      (m[0][0] * m[1][1] - m[0][1] * m[1][0]) * k,
    ],
  ];
}

export function transpose(m: Matrix3): Matrix3 {
  return [
    [m[0][0], m[1][0], m[2][0]],
    [m[0][1], m[1][1], m[2][1]],
    [m[0][2], m[1][2], m[2][2]],
  ];
}

/** diag(v): scales each column of a matrix it multiplies from the right. */
export function diagonal(v: Vec3): Matrix3 {
  return [
    [v[0], 0, 0],
    [0, v[1], 0],
    [0, 0, v[2]],
  ];
}
