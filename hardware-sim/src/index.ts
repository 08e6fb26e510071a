// @pos/hardware-sim: virtual POS devices behind real transports, and the ESC/POS decoder/renderer.
export * from './escpos/index.js';
export * from './simulator.js';
export { SimError, type SimErrorCode } from './sim-error.js';
export { EscPosPrinter, type PrinterJob, type PrinterSession } from './devices/escpos-printer.js';
export { CashDrawer } from './devices/cash-drawer.js';
export { BarcodeScanner } from './devices/barcode-scanner.js';
export { MagstripeReader } from './devices/magstripe-reader.js';
export { RfidReader, formatUid } from './devices/rfid-reader.js';
export { PoleDisplay } from './devices/pole-display.js';
export { luhnCheckDigit, syntheticCardNumber, iso7813Tracks, type CardTracks } from './devices/test-cards.js';
export { keyboardReports } from './transports/hid-keyboard-reports.js';
export { uhidStatus, VirtualHidBackend, VirtualHidDevice, type HidBackend, type HidHandle, type HidDeviceInfo } from './transports/virtual-hid-backend.js';
export { VirtualUsbBackend, VirtualUsbPrinter, type UsbBackend, type UsbPrinterDevice } from './transports/virtual-usb-backend.js';
export { PtyPort } from './transports/pty-port.js';
export { TcpPrinterServer } from './transports/tcp-printer-server.js';
export { runScenario, parseScenario, ScenarioSchema, type Scenario, type ScenarioResult } from './scenarios/scenario-runner.js';
export { startControlServer, performAction, type ControlServer, type DeviceAction } from './control/control-server.js';
export { BUNDLED_SCENARIOS, bundledScenarioPath, loadBundledScenario, type BundledScenario } from './scenarios/bundled-scenarios.js';
