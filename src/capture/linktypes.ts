/**
 * LINKTYPE_ values (https://www.tcpdump.org/linktypes.html) with the names tshark and capinfos
 * show ("File encapsulation: Ethernet"), and capture format selection by file extension.
 * The tshark names were taken from capinfos 4.0.17 (a one-record pcap per link type).
 */

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_PPP = 9;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_IEEE802_11 = 105;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IEEE802_11_RADIOTAP = 127;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_NFLOG = 239;
export const LINKTYPE_LINUX_SLL2 = 276;

/** [number, LINKTYPE_ suffix, tshark/capinfos description] */
const TABLE: readonly (readonly [number, string | undefined, string | undefined])[] = [
  [0, 'NULL', 'NULL/Loopback'],
  [1, 'ETHERNET', 'Ethernet'],
  [2, undefined, 'Xerox 3MB Ethernet'],
  [3, 'AX25', 'Amateur Radio AX.25'],
  [6, 'IEEE802_5', 'Token Ring'],
  [7, 'ARCNET_BSD', 'ARCNET'],
  [8, 'SLIP', 'SLIP'],
  [9, 'PPP', 'PPP'],
  [10, 'FDDI', 'FDDI with bit-swapped MAC addresses'],
  [11, undefined, 'RFC 1483 ATM'],
  [12, undefined, 'Raw IP'],
  [13, undefined, 'OpenBSD enc(4) encapsulating interface'],
  [14, undefined, 'Raw IP'],
  [16, undefined, 'Linux ATM CLIP'],
  [18, undefined, 'Linux ATM CLIP'],
  [19, undefined, 'Linux ATM CLIP'],
  [32, undefined, 'Redback SmartEdge'],
  [50, 'PPP_HDLC', 'PPP'],
  [51, 'PPP_ETHER', 'PPP-over-Ethernet session'],
  [99, undefined, 'Symantec Enterprise Firewall'],
  [100, 'ATM_RFC1483', 'RFC 1483 ATM'],
  [101, 'RAW', 'Raw IP'],
  [104, 'C_HDLC', 'Cisco HDLC'],
  [105, 'IEEE802_11', 'IEEE 802.11 Wireless LAN'],
  [106, undefined, 'Linux ATM CLIP'],
  [107, 'FRELAY', 'Frame Relay'],
  [108, 'LOOP', 'OpenBSD loopback'],
  [109, undefined, 'OpenBSD enc(4) encapsulating interface'],
  [112, undefined, 'Cisco HDLC'],
  [113, 'LINUX_SLL', 'Linux cooked-mode capture v1'],
  [114, 'LTALK', 'Localtalk'],
  [117, 'PFLOG', 'OpenBSD PF Firewall logs'],
  [118, undefined, 'Cisco IOS internal'],
  [119, 'IEEE802_11_PRISM', 'IEEE 802.11 plus Prism II monitor mode radio header'],
  [121, undefined, 'HiPath HDLC'],
  [122, 'IP_OVER_FC', 'RFC 2625 IP-over-Fibre Channel'],
  [123, 'SUNATM', 'ATM PDUs'],
  [127, 'IEEE802_11_RADIOTAP', 'IEEE 802.11 plus radiotap radio header'],
  [128, undefined, 'Tazmen sniffer protocol'],
  [129, 'ARCNET_LINUX', 'Linux ARCNET'],
  [130, undefined, 'Juniper MLPPP'],
  [131, undefined, 'Juniper MLFR'],
  [133, undefined, 'Juniper GGSN'],
  [135, undefined, 'Juniper ATM2'],
  [136, undefined, 'Juniper Services'],
  [137, undefined, 'Juniper ATM1'],
  [138, 'APPLE_IP_OVER_IEEE1394', 'Apple IP-over-IEEE 1394'],
  [139, 'MTP2_WITH_PHDR', 'MTP2 with pseudoheader'],
  [140, 'MTP2', 'SS7 MTP2'],
  [141, 'MTP3', 'SS7 MTP3'],
  [142, 'SCCP', 'SS7 SCCP'],
  [143, 'DOCSIS', 'Data Over Cable Service Interface Specification'],
  [144, 'LINUX_IRDA', undefined],
  [147, 'USER0', 'USER 0'],
  [148, 'USER1', 'USER 1'],
  [149, 'USER2', 'USER 2'],
  [150, 'USER3', 'USER 3'],
  [151, 'USER4', 'USER 4'],
  [152, 'USER5', 'USER 5'],
  [153, 'USER6', 'USER 6'],
  [154, 'USER7', 'USER 7'],
  [155, 'USER8', 'USER 8'],
  [156, 'USER9', 'USER 9'],
  [157, 'USER10', 'USER 10'],
  [158, 'USER11', 'USER 11'],
  [159, 'USER12', 'USER 12'],
  [160, 'USER13', 'USER 13'],
  [161, 'USER14', 'USER 14'],
  [162, 'USER15', 'USER 15'],
  [163, 'IEEE802_11_AVS', 'IEEE 802.11 plus AVS radio header'],
  [165, 'BACNET_MS_TP', 'BACnet MS/TP'],
  [166, 'PPP_PPPD', undefined],
  [167, undefined, 'Juniper PPPoE'],
  [169, 'GPRS_LLC', 'GPRS LLC'],
  [170, 'GPF_T', 'ITU-T G.7041/Y.1303 Generic Framing Procedure Transparent mode'],
  [171, 'GPF_F', 'ITU-T G.7041/Y.1303 Generic Framing Procedure Frame-mapped mode'],
  [172, undefined, 'GCOM TIE1'],
  [173, undefined, 'GCOM Serial'],
  [177, 'LINUX_LAPD', undefined],
  [178, undefined, 'Juniper Ethernet'],
  [179, undefined, 'Juniper PPP'],
  [180, undefined, 'Juniper Frame-Relay'],
  [181, undefined, 'Juniper C-HDLC'],
  [183, undefined, 'Juniper Voice PIC'],
  [184, undefined, 'Juniper VN'],
  [186, undefined, 'USB packets with FreeBSD header'],
  [187, 'BLUETOOTH_HCI_H4', 'Bluetooth H4'],
  [188, undefined, 'IEEE 802.16 MAC Common Part Sublayer'],
  [189, 'USB_LINUX', 'USB packets with Linux header'],
  [190, undefined, 'Controller Area Network 2.0B'],
  [192, 'PPI', 'Per-Packet Information header'],
  [195, 'IEEE802_15_4_WITHFCS', 'IEEE 802.15.4 Wireless PAN'],
  [196, 'SITA', undefined],
  [197, 'ERF', undefined],
  [199, undefined, 'Intelligent Platform Management Bus with Kontron pseudo-header'],
  [200, undefined, 'Juniper Secure Tunnel Information'],
  [201, 'BLUETOOTH_HCI_H4_WITH_PHDR', 'Bluetooth H4 with linux header'],
  [202, 'AX25_KISS', 'AX.25 with KISS header'],
  [203, 'LAPD', 'LAPD'],
  [204, 'PPP_WITH_DIR', 'PPP with Directional Info'],
  [205, 'C_HDLC_WITH_DIR', undefined],
  [206, 'FRELAY_WITH_DIR', undefined],
  [207, 'LAPB_WITH_DIR', undefined],
  [209, 'IPMB_LINUX', undefined],
  [210, 'FLEXRAY', 'FlexRay'],
  [211, undefined, 'Media Oriented Systems Transport'],
  [212, undefined, 'Local Interconnect Network'],
  [213, undefined, 'X2E serial line capture'],
  [214, undefined, 'X2E Xoraya'],
  [215, 'IEEE802_15_4_NONASK_PHY', 'IEEE 802.15.4 Wireless PAN non-ASK PHY'],
  [220, 'USB_LINUX_MMAPPED', 'USB packets with Linux header and padding'],
  [224, 'FC_2', 'Fibre Channel FC-2'],
  [225, 'FC_2_WITH_FRAME_DELIMS', 'Fibre Channel FC-2 With Frame Delimiter'],
  [226, 'IPNET', 'Solaris IPNET'],
  [227, 'CAN_SOCKETCAN', 'SocketCAN'],
  [228, 'IPV4', 'Raw IPv4'],
  [229, 'IPV6', 'Raw IPv6'],
  [230, 'IEEE802_15_4_NOFCS', 'IEEE 802.15.4 Wireless PAN with FCS not present'],
  [231, 'DBUS', 'D-Bus'],
  [235, 'DVB_CI', 'DVB-CI (Common Interface)'],
  [236, 'MUX27010', 'MUX27010'],
  [237, 'STANAG_5066_D_PDU', 'STANAG 5066 Data Transfer Sublayer PDUs(D_PDU)'],
  [239, 'NFLOG', 'NFLOG'],
  [240, 'NETANALYZER', 'Hilscher netANALYZER'],
  [241, 'NETANALYZER_TRANSPARENT', 'Hilscher netANALYZER-Transparent'],
  [242, 'IPOIB', 'IP over IB'],
  [243, 'MPEG_2_TS', 'ISO/IEC 13818-1 MPEG2-TS'],
  [244, 'NG40', undefined],
  [245, 'NFC_LLCP', 'NFC LLCP'],
  [247, 'INFINIBAND', undefined],
  [248, 'SCTP', 'SCTP'],
  [249, 'USBPCAP', 'USB packets with USBPcap header'],
  [250, 'RTAC_SERIAL', 'RTAC serial-line'],
  [251, 'BLUETOOTH_LE_LL', 'Bluetooth Low Energy Link Layer'],
  [252, 'WIRESHARK_UPPER_PDU', 'Wireshark Upper PDU export'],
  [253, 'NETLINK', 'Linux Netlink'],
  [254, 'BLUETOOTH_LINUX_MONITOR', 'Bluetooth Linux Monitor'],
  [255, 'BLUETOOTH_BREDR_BB', 'Bluetooth BR/EDR Baseband RF'],
  [256, 'BLUETOOTH_LE_LL_WITH_PHDR', 'Bluetooth Low Energy Link Layer RF'],
  [257, 'PROFIBUS_DL', undefined],
  [258, 'PKTAP', 'Apple PKTAP'],
  [259, 'EPON', 'Ethernet Passive Optical Network'],
  [260, 'IPMI_HPM_2', 'IPMI Trace Data Collection'],
  [261, 'ZWAVE_R1_R2', undefined],
  [262, 'ZWAVE_R3', undefined],
  [263, 'WATTSTOPPER_DLM', undefined],
  [264, 'ISO_14443', 'ISO 14443 contactless smartcard standards'],
  [265, 'RDS', undefined],
  [266, 'USB_DARWIN', 'USB packets with Darwin (macOS, etc.) headers'],
  [268, 'SDLC', 'SDLC'],
  [270, 'LORATAP', 'LoRaTap'],
  [271, 'VSOCK', 'Linux vsock'],
  [272, 'NORDIC_BLE', 'nRF Sniffer for Bluetooth LE'],
  [273, 'DOCSIS31_XRA31', 'DOCSIS with Excentis XRA pseudo-header'],
  [274, 'ETHERNET_MPACKET', 'IEEE 802.3br mPackets'],
  [275, 'DISPLAYPORT_AUX', 'DisplayPort AUX channel with Unigraf pseudo-header'],
  [276, 'LINUX_SLL2', 'Linux cooked-mode capture v2'],
  [278, 'OPENVIZSLA', undefined],
  [279, 'EBHSCR', 'Elektrobit High Speed Capture and Replay'],
  [280, 'VPP_DISPATCH', 'Vector Packet Processing graph dispatch trace'],
  [281, 'DSA_TAG_BRCM', undefined],
  [282, 'DSA_TAG_BRCM_PREPEND', undefined],
  [283, 'IEEE802_15_4_TAP', 'IEEE 802.15.4 Wireless with TAP pseudo-header'],
  [284, 'DSA_TAG_DSA', undefined],
  [285, 'DSA_TAG_EDSA', undefined],
  [286, 'ELEE', undefined],
  [287, 'Z_WAVE_SERIAL', 'Z-Wave Serial API packets'],
  [288, 'USB_2_0', 'USB 2.0/1.1/1.0 packets'],
  [289, 'ATSC_ALP', undefined],
  [290, 'ETW', 'Event Tracing for Windows messages'],
  [292, 'ZBOSS_NCP', 'ZBOSS NCP'],
  [293, 'USB_2_0_LOW_SPEED', 'Low-Speed USB 2.0/1.1/1.0 packets'],
  [294, 'USB_2_0_FULL_SPEED', 'Full-Speed USB 2.0/1.1/1.0 packets'],
  [295, 'USB_2_0_HIGH_SPEED', 'High-Speed USB 2.0 packets'],
];

const BY_NUMBER = new Map<number, { name: string | undefined; description: string | undefined }>();
const BY_NAME = new Map<string, number>();
for (const [n, name, description] of TABLE) {
  BY_NUMBER.set(n, { name, description });
  if (name) BY_NAME.set(name, n);
}

/** The LINKTYPE_ name without prefix (`ETHERNET`), or undefined. */
export function linkTypeName(linkType: number): string | undefined {
  return BY_NUMBER.get(linkType)?.name;
}

/** The LINKTYPE_ number for a name, with or without the `LINKTYPE_` prefix (case-insensitive). */
export function linkTypeByName(name: string): number | undefined {
  return BY_NAME.get(name.toUpperCase().replace(/^LINKTYPE_/, ''));
}

/**
 * The encapsulation name tshark/capinfos show for a link type (`Ethernet`, `Raw IP`,
 * `Linux cooked-mode capture v1`); `Unknown (N)` style text when tshark has none.
 */
export function linkTypeDescription(linkType: number): string {
  return BY_NUMBER.get(linkType)?.description ?? `Unknown link type ${linkType}`;
}

/** True when tshark 4.0 can open a pcap of this link type. */
export function linkTypeKnownToTshark(linkType: number): boolean {
  return BY_NUMBER.get(linkType)?.description !== undefined;
}

export type CaptureFileFormat = 'pcap' | 'pcapng';

/**
 * The format to write for a file name: `.pcapng`, `.ntar` and `.scap` give
 * pcapng; `.pcap`, `.cap`, `.dmp` give pcap. Unknown or missing extensions give `fallback`.
 */
export function formatFromExtension(fileName: string, fallback: CaptureFileFormat = 'pcapng'): CaptureFileFormat {
  const m = /\.([A-Za-z0-9]+)$/.exec(fileName);
  const ext = m ? m[1]!.toLowerCase() : '';
  if (ext === 'pcapng' || ext === 'ntar' || ext === 'scap') return 'pcapng';
  if (ext === 'pcap' || ext === 'cap' || ext === 'dmp' || ext === 'libpcap') return 'pcap';
  return fallback;
}
