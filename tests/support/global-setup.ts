// Runs once before all test files: nothing to do yet beyond making sure artifacts have a home.
import fs from "node:fs";

export default function setup() {
  fs.mkdirSync("test-results", { recursive: true });
}
