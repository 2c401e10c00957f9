# Replit's system packages for CostWatch: Python 3.12 for the API, Node.js 20 for the dashboard.
{ pkgs }: {
  deps = [
    pkgs.python312
    pkgs.python312Packages.pip
    pkgs.nodejs_20
    pkgs.bash
    pkgs.curl
  ];
}
