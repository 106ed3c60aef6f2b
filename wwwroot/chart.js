// The sparkline: the last prices of one symbol as a line on a small canvas, right-aligned so it fills from the right.

export const SPARK_POINTS = 60;

/** Draws `points` (oldest first) into `canvas`, sharp on high-density screens; colours `{ up, down }` by direction. */
export function drawSparkline(canvas, points, colors, capacity = SPARK_POINTS) {
  const ratio = globalThis.devicePixelRatio || 1;
  const width = canvas.clientWidth || 120;
  const height = canvas.clientHeight || 32;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  if (points.length < 2) return;

  const min = Math.min(...points);
  const max = Math.max(...points);
  const span = max - min || 1;
  const step = width / (capacity - 1);
  const x0 = width - (points.length - 1) * step;
  const y = (p) => height - 3 - ((p - min) / span) * (height - 6);

  ctx.beginPath();
  points.forEach((p, i) => (i === 0 ? ctx.moveTo(x0, y(p)) : ctx.lineTo(x0 + i * step, y(p))));
  ctx.lineWidth = 1.5;
  ctx.lineJoin = "round";
  ctx.strokeStyle = points[points.length - 1] >= points[0] ? colors.up : colors.down;
  ctx.stroke();
}
