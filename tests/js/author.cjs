// Who packed a block, two ways, for the tests' JavaScript clients: as explorers show it
// (`api.derive.chain.getHeader`, no type bundle), and the packer the Gosig pre-runtime digest
// names: the authority at its index in the set the block was packed under, owned by the
// candidate that registered the key (or the key's own account for a genesis billing peer).
'use strict';

async function blockAuthor(api, keyring, ss58Format, blockHash) {
	const header = await api.derive.chain.getHeader(blockHash);
	const gosig = header.digest.logs.find(
		(log) => log.isPreRuntime && log.asPreRuntime[0].toString() === 'GOSG',
	);
	if (!gosig) throw new Error(`block ${blockHash} has no Gosig pre-runtime digest`);
	const pre = gosig.asPreRuntime[1].toU8a(true);
	const authorityIndex = Buffer.from(pre.slice(8, 12)).readUInt32LE(0); // after the u64 round
	const atParent = await api.at(header.parentHash);
	const authorities = await atParent.query.gosig.authorities();
	const key = authorities[authorityIndex];
	const owner = await atParent.query.peers.billingKeyOwner(key);
	const packer = owner.isSome
		? owner.unwrap().toString()
		: keyring.encodeAddress(key.toU8a(), ss58Format);
	return {
		block: blockHash,
		author: header.author ? header.author.toString() : null,
		authorityIndex,
		packer,
	};
}

module.exports = { blockAuthor };
